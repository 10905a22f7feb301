"""The API's own documentation: a browsable page that loads nothing from outside, and an upload described in full."""

import re

import httpx


def test_the_docs_page_loads_only_our_own_files(http: httpx.Client) -> None:
    page = http.get("/api/v1/docs")
    assert page.status_code == 200 and "phoihop — tài liệu API" in page.text
    loaded = re.findall(r"""(?:src|href)=["']([^"']+)["']""", page.text)
    assert loaded and all(url.startswith("/api/v1/docs/static/") for url in loaded), loaded
    assert not re.search(r"https?://", page.text.replace("https://swagger.io", ""))  # nothing fetched from outside
    for url in loaded:
        assert http.get(url).status_code == 200, url
    assert "'/api/v1/openapi.json'" in page.text or '"/api/v1/openapi.json"' in page.text


def test_the_openapi_document_describes_the_upload_body(http: httpx.Client) -> None:
    upload = http.get("/api/v1/openapi.json").json()["paths"]["/api/v1/returns"]["post"]
    content = upload["requestBody"]["content"]
    assert content["multipart/form-data"]["schema"]["properties"]["file"]["format"] == "binary"
    assert content["application/json"]["schema"]["required"] == ["agency", "period", "form"]
    assert {"201", "200", "413", "422", "503"} <= set(upload["responses"])
