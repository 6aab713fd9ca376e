"""France Travail Offres d'emploi v2: OAuth2 client credentials, then ``range`` paging.

The token comes from the realm ``/partenaire`` with the client id and secret read from the
environment variables the catalogue names; the search is paged by ``range=p-d`` (150 per
call) and split by département when it exceeds the API's cap (the parser does that).
"""

from __future__ import annotations

from urllib.parse import urlencode

import orjson

from aggregator.catalogue import SourceEntry
from spiders.entry import entry_url
from spiders.parsers.base import FollowUp
from spiders.parsers.bodyutil import with_query

SCOPE = "api_offresdemploiv2 o2dsoffre"
PAGE_SIZE = 150


def auth_request(source: SourceEntry, credentials: dict[str, str]) -> FollowUp:
    """The client-credentials token request (the secret travels only in its form body)."""
    token_url = str(
        source.options.get("token_url")
        or source.base_url.rstrip("/") + "/connexion/oauth2/access_token?realm=/partenaire"
    )
    form = urlencode(
        {
            "grant_type": "client_credentials",
            "client_id": credentials.get("client_id", ""),
            "client_secret": credentials.get("client_secret", ""),
            "scope": str(source.options.get("scope", SCOPE)),
        }
    ).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    return FollowUp(token_url, "auth", method="POST", body=form, headers=headers)


def auth_headers(body: bytes) -> dict[str, str]:
    """The bearer header from the token answer; ``ValueError`` when there is no token."""
    try:
        token = orjson.loads(body).get("access_token")
    except (orjson.JSONDecodeError, AttributeError):
        token = None
    if not isinstance(token, str) or not token:
        raise ValueError("the token endpoint returned no access_token")
    return {"Authorization": f"Bearer {token}", "Accept": "application/json"}


def first_requests(source: SourceEntry) -> list[FollowUp]:
    """The first range of the search (the parser splits it further when needed)."""
    size = int(source.options.get("page_size", PAGE_SIZE))
    url = entry_url(source, "/partenaire/offresdemploi/v2/offres/search")
    return [FollowUp(with_query(url, {"range": f"0-{size - 1}"}), "page")]
