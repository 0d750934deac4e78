from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    SECRET_SESSION_KEY,
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)


def test_staff_enable_totp_and_then_login_asks_for_the_code(client, metropolis_agent):
    response = client.post(
        "/compte/login/", {"login": metropolis_agent.email, "password": "motdepasse-solide-2026"}
    )
    assert response.status_code == 302
    # Enabling MFA asks to confirm the password again (recent re-authentication).
    assert client.get("/compte/2fa/totp/activate/").status_code == 302
    response = client.post("/compte/reauthenticate/", {"password": "motdepasse-solide-2026"})
    assert response.status_code == 302
    page = client.get("/compte/2fa/totp/activate/")
    assert page.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    wrong = client.post("/compte/2fa/totp/activate/", {"code": "000000"})
    assert wrong.status_code == 400
    code = format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))
    response = client.post("/compte/2fa/totp/activate/", {"code": code})
    assert response.status_code == 302
    assert Authenticator.objects.filter(
        user=metropolis_agent, type=Authenticator.Type.TOTP
    ).exists()

    client.logout()
    response = client.post(
        "/compte/login/", {"login": metropolis_agent.email, "password": "motdepasse-solide-2026"}
    )
    assert response.status_code == 302 and "/2fa/authenticate/" in response["Location"]
    assert "_auth_user_id" not in client.session
