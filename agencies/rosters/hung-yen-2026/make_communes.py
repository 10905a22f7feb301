"""Write the communes of roster.yaml: made-up commune-level People's Committees, each replacing its old district.

Run by hand (`python agencies/rosters/hung-yen-2026/make_communes.py`) after changing the lists below; it
rewrites the block between the two marker lines of roster.yaml, and the result is committed. The names are
plausible, not real: a province replaces them with its own list.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

ROSTER = Path(__file__).with_name("roster.yaml")
BEGIN = "      # BEGIN communes: written by make_communes.py, do not edit by hand\n"
END = "      # END communes\n"

# Each district of the 2023 roster, whether its new units are wards (phường) or communes (xã), and their names.
DISTRICTS = [
    ("district-hung-yen-city", "phường", ["Hiến Nam", "Lam Sơn", "Phố Hiến", "Hồng Châu"]),
    ("district-my-hao", "phường", ["Mỹ Hào", "Đường Hào", "Thượng Hồng"]),
    ("district-van-lam", "xã", ["Như Quỳnh", "Lạc Đạo", "Đại Đồng", "Lạc Hồng"]),
    ("district-van-giang", "xã", ["Văn Giang", "Nghĩa Trụ", "Phụng Công", "Mễ Sở"]),
    ("district-yen-my", "xã", ["Yên Mỹ", "Việt Yên", "Hoàn Long", "Nguyễn Văn Linh"]),
    ("district-an-thi", "xã", ["Ân Thi", "Xuân Trúc", "Phạm Ngũ Lão", "Nguyễn Trãi", "Hồng Quang"]),
    ("district-khoai-chau", "xã", ["Khoái Châu", "Triệu Việt Vương", "Việt Tiến", "Chí Minh", "Châu Ninh"]),
    ("district-kim-dong", "xã", ["Lương Bằng", "Nghĩa Dân", "Hiệp Cường", "Đức Hợp"]),
    ("district-tien-lu", "xã", ["Tiên Lữ", "Tiên Hoa", "Quang Hưng", "Đoàn Đào"]),
    ("district-phu-cu", "xã", ["Phù Cừ", "Tiên Tiến", "Tống Trân", "Nguyên Hòa"]),
]


def slug(name: str) -> str:
    """`Triệu Việt Vương` → `trieu-viet-vuong`."""
    plain = unicodedata.normalize("NFD", name.casefold().replace("đ", "d"))
    return "-".join("".join(c for c in plain if not unicodedata.combining(c)).split())


def commune_lines() -> list[str]:
    lines = []
    for district, kind, names in DISTRICTS:
        for name in names:
            key = slug(name)
            lines.append(
                f"      - {{id: commune-{key}, name: UBND {kind} {name}, replaces: [{district}], "
                f"emails: [vanphong@{key}.hungyen.example]}}\n"
            )
    return lines


def main() -> None:
    text = ROSTER.read_text(encoding="utf-8")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    ROSTER.write_text(head + BEGIN + "".join(commune_lines()) + END + tail, encoding="utf-8")


if __name__ == "__main__":
    main()
