"""Rosters over time: which group of this year's roster continues each agency of an earlier one.

A roster names what it continues with `replaces`: an agency the ids of agencies it was merged from
or renamed from, a group the ids of groups it took over (communes after the districts, 2025).
Last year's figures are compared with this year's through this mapping.
"""

from __future__ import annotations

from agencies.roster import Roster


def successor_groups(roster: Roster, earlier: Roster) -> dict[str, str]:
    """Each agency of `earlier` that `roster` continues → the id of the group that continues it.

    In order: the same agency id; an agency that `replaces` it; the same group id; a group that
    `replaces` its group. An agency nothing continues is left out: its figures are compared with nothing.
    """
    by_agency: dict[str, str] = {}
    by_group: dict[str, str] = {}
    for group in roster.groups:
        by_group.setdefault(group.id, group.id)
        for old_group in group.replaces:
            by_group.setdefault(old_group, group.id)
        for agency in group.agencies:
            by_agency.setdefault(agency.id, group.id)
    for group in roster.groups:  # a same id comes first, then what replaces it
        for agency in group.agencies:
            for old_agency in agency.replaces:
                by_agency.setdefault(old_agency, group.id)
    found: dict[str, str] = {}
    for group in earlier.groups:
        for agency in group.agencies:
            successor = by_agency.get(agency.id) or by_group.get(group.id)
            if successor is not None:
                found[agency.id] = successor
    return found


def compared_codes(roster: Roster, earlier: Roster) -> dict[str, set[str]]:
    """Per group of `roster`: the indicator codes last year's forms of what it continues also had."""
    successors = successor_groups(roster, earlier)
    codes: dict[str, set[str]] = {group.id: set() for group in roster.groups}
    for group in earlier.groups:
        form = {indicator.code for indicator in earlier.forms[group.form].indicators}
        for agency in group.agencies:
            if agency.id in successors:
                codes[successors[agency.id]] |= form
    return codes
