import logging
import sys

from renouveau.core.logs import ClientErrorTracebackFilter


def test_client_errors_are_logged_in_one_line_without_traceback(client, db, caplog):
    caplog.set_level(logging.WARNING, logger="django.request")
    response = client.get("/idees/?page=abc")
    assert response.status_code == 400
    records = [r for r in caplog.records if r.name == "django.request"]
    assert len(records) == 1
    assert records[0].getMessage().endswith(": /idees/")
    assert records[0].exc_info is None
    assert "Traceback" not in caplog.text


def _record(status: int) -> logging.LogRecord:
    try:
        raise ValueError("boom")
    except ValueError:
        exc_info = sys.exc_info()
    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "x", (), exc_info)
    record.status_code = status
    return record


def test_server_errors_keep_their_traceback():
    record = _record(500)
    assert ClientErrorTracebackFilter().filter(record) is True
    assert record.exc_info is not None
    client_error = _record(403)
    assert ClientErrorTracebackFilter().filter(client_error) is True
    assert client_error.exc_info is None


def test_the_filter_is_installed_on_the_request_and_security_loggers():
    for name in ("django.request", "django.security"):
        assert any(
            isinstance(f, ClientErrorTracebackFilter) for f in logging.getLogger(name).filters
        )
