from django.core.management import call_command


def test_health_returns_ok(client):
    response = client.get("/api/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_schema_is_served(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/health/" in response.content


def test_schema_generates_without_warnings(tmp_path):
    call_command("spectacular", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))


def test_lobby_page_renders(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"<title>Liap Tui</title>" in response.content
