"""Enterprise SAML single sign-on."""
from __future__ import annotations

from typing import Optional

from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from app.core.config import settings
from app.services.sso.saml import SAMLProvider

router = APIRouter(prefix="/sso/saml", tags=["sso", "enterprise"])

provider = SAMLProvider(settings.SAML_METADATA_URL, entity_id=settings.SAML_ENTITY_ID)


@router.get("/login")
def saml_login(relay_state: Optional[str] = None):
    return RedirectResponse(provider.build_authn_request(relay_state))


@router.post("/acs")
async def saml_acs(request: Request):
    # HTTP-POST binding; assertion validation is delegated to the IdP gateway in production.
    form = parse_qs((await request.body()).decode())
    saml_response = form.get("SAMLResponse", [""])[0]
    relay_state = form.get("RelayState", [None])[0]
    return {"received": len(saml_response), "relay_state": relay_state}


@router.get("/metadata")
def saml_metadata():
    return {"entity_id": provider.entity_id, "acs_url": provider.acs_url}
