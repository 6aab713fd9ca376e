"""France Travail API Offres d'emploi v2: OAuth2 client-credentials token, then range searches.

Oddities kept: ``range=p-d`` with at most 150 per call, ``p <= 3000`` and ``d <= 3149`` so a
client must split by ``departement`` or creation dates; ``Content-Range: offres p-d/total``;
206 partial, 200 complete, 204 empty; ``lieuTravail.libelle`` "75 - PARIS 15".
"""

from __future__ import annotations

import hashlib
import os
import re
from datetime import datetime
from urllib.parse import parse_qs

from aggregator.sandbox.model import BoardPosting
from aggregator.sandbox.render.base import BoardView, Reply, Request, json_reply
from aggregator.sandbox.render.ft_offer import contract_code, departement, offer

ENTRY = "/partenaire/offresdemploi/v2/offres/search"
TOKEN_PATH = "/connexion/oauth2/access_token"
SEARCH_PATH = "/partenaire/offresdemploi/v2/offres/search"
DETAIL_PREFIX = "/partenaire/offresdemploi/v2/offres/"
MAX_RANGE, MAX_START, MAX_END = 150, 3000, 3149
CLIENT_ID_ENV, CLIENT_SECRET_ENV = "FRANCE_TRAVAIL_CLIENT_ID", "FRANCE_TRAVAIL_CLIENT_SECRET"
DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET = "sandbox-ft-client", "sandbox-ft-secret"
_RANGE = re.compile(r"^(\d+)-(\d+)$")


def credentials(view: BoardView | None = None) -> tuple[str, str]:
    """The client id and secret the sandbox accepts: env vars, else board options, else defaults."""
    options = view.spec.options if view is not None else {}
    return (
        os.environ.get(CLIENT_ID_ENV, options.get("client_id", DEFAULT_CLIENT_ID)),
        os.environ.get(CLIENT_SECRET_ENV, options.get("client_secret", DEFAULT_CLIENT_SECRET)),
    )


def access_token(view: BoardView | None = None) -> str:
    """The bearer token issued for the accepted credentials (stable, so replies stay cacheable)."""
    client_id, secret = credentials(view)
    return hashlib.sha256(f"{client_id}:{secret}".encode()).hexdigest()[:40]


def _token(view: BoardView, req: Request) -> Reply:
    if req.method != "POST" or req.arg("realm") != "/partenaire":
        return json_reply(
            {"error": "invalid_request", "error_description": "realm /partenaire required"},
            status=400,
        )
    form = {k: v[0] for k, v in parse_qs(req.body.decode("utf-8", "replace")).items()}
    if form.get("grant_type") != "client_credentials":
        return json_reply({"error": "unsupported_grant_type"}, status=400)
    if (form.get("client_id"), form.get("client_secret")) != credentials(view):
        return json_reply(
            {"error": "invalid_client", "error_description": "Client authentication failed"},
            status=401,
        )
    scope = form.get("scope", "api_offresdemploiv2 o2dsoffre")
    return json_reply(
        {
            "scope": scope,
            "expires_in": 1499,
            "token_type": "Bearer",
            "access_token": access_token(view),
        }
    )


def _error(message: str, status: int = 400) -> Reply:
    return json_reply({"codeHttp": status, "message": message}, status=status)


def _date(text: str) -> datetime | None:
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo is not None else None


def _select(view: BoardView, req: Request) -> list[BoardPosting] | Reply:
    chosen = list(view.postings)
    deps = [d for d in (req.arg("departement") or "").split(",") if d]
    if deps:
        chosen = [p for p in chosen if departement(p.postal_code) in deps]
    low_text, high_text = req.arg("minCreationDate"), req.arg("maxCreationDate")
    if (low_text is None) != (high_text is None):
        return _error(
            "Les paramètres minCreationDate et maxCreationDate doivent être renseignés ensemble."
        )
    if low_text is not None and high_text is not None:
        low, high = _date(low_text), _date(high_text)
        if low is None or high is None:
            return _error("Format de date invalide (attendu yyyy-MM-dd'T'hh:mm:ss'Z').")
        chosen = [p for p in chosen if low <= p.posted_at <= high]
    kinds = [k for k in (req.arg("typeContrat") or "").split(",") if k]
    if kinds:
        chosen = [p for p in chosen if contract_code(p) in kinds]
    return chosen


def _search(view: BoardView, req: Request) -> Reply:
    match = _RANGE.match(req.arg("range", "0-149") or "")
    if match is None:
        return _error("Le paramètre range doit être de la forme p-d.")
    start, end = int(match.group(1)), int(match.group(2))
    if end < start or end - start + 1 > MAX_RANGE:
        return _error(f"La plage de résultats demandée est trop importante (max {MAX_RANGE}).")
    if start > MAX_START or end > MAX_END:
        return _error(f"La position de début doit être inférieure ou égale à {MAX_START}.")
    chosen = _select(view, req)
    if isinstance(chosen, Reply):
        return chosen
    total = len(chosen)
    if view.endless and chosen:
        total = max(total, MAX_END + 1)
        chosen = [chosen[i % len(chosen)] for i in range(start, end + 1)]
        start_index = 0
    else:
        start_index = start
    window = chosen[start_index : start_index + (end - start + 1)]
    if not window:
        return Reply(status=204, body=b"", headers={"Content-Range": f"offres */{total}"})
    last = start + len(window) - 1
    status = 200 if start == 0 and last >= total - 1 else 206
    body = {"resultats": [offer(view, p) for p in window], "filtresPossibles": _facets(chosen)}
    reply = json_reply(body, status=status)
    reply.headers = {
        "Content-Range": f"offres {start}-{last}/{total}",
        "Accept-Range": "offres 150",
    }
    return reply


def _facets(chosen: list[BoardPosting]) -> list[dict[str, object]]:
    counts: dict[str, int] = {}
    for p in chosen:
        kind = contract_code(p)
        counts[kind] = counts.get(kind, 0) + 1
    values = [{"valeurPossible": k, "nbResultats": n} for k, n in sorted(counts.items())]
    return [{"filtre": "typeContrat", "agregation": values}]


def handle(view: BoardView, req: Request) -> Reply:
    """Route a France Travail request (token, search, detail)."""
    if req.path == TOKEN_PATH:
        return _token(view, req)
    if req.headers.get("authorization", "") != f"Bearer {access_token(view)}":
        return json_reply({"message": "Invalid access token"}, status=401)
    if req.path == SEARCH_PATH:
        return _search(view, req)
    if req.path.startswith(DETAIL_PREFIX):
        found = view.find(req.path[len(DETAIL_PREFIX) :])
        if found is not None:
            return json_reply(offer(view, found))
        return Reply(status=204, body=b"")
    return _error("Ressource inconnue", status=404)
