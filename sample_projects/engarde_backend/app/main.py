"""EnGarde FastAPI application.

Routers are loaded dynamically: a router that fails to import is logged and
skipped so that the rest of the API still starts.

    uvicorn app.main:app            # serve
    python -m app.main --check      # report which routers load, then exit
    python -m app.main --check --json
"""
from __future__ import annotations

import argparse
import importlib
import json
import logging
import os
import sys
import traceback
from typing import Dict, List, Optional, Tuple

from fastapi import FastAPI

from app.core.config import settings
from app.middleware.cors import setup_cors
from app.middleware.request_id import RequestIdMiddleware

logging.basicConfig(
    level=logging.INFO,
    stream=sys.stderr,
    format="%(asctime)s %(levelname)s %(name)s: %(message)s",
)
logger = logging.getLogger("app.main")

ROUTERS = [
    "auth",
    "zerodb_auth",
    "users",
    "me",
    "campaigns",
    "brands",
    "content",
    "analytics",
    "analytics_simple",
    "analytics_zerodb",
    "dashboard",
    "health",
    "agents",
    "ai_agents",
    "agents_api",
    "agent_analysis",
    "agent_packages",
    "ai_creative_studio",
    "langflow_workflows",
    "workflow_execution",
    "workflow_management",
    "workflow_versioning",
    "visual_workflow_builder",
    "marketplace",
    "marketplace_catalog",
    "marketplace_directors",
    "marketplace_monitoring",
    "marketplace_proxy",
    "external_marketplace",
    "platform_integrations",
    "payment_integrations",
    "pos_integrations",
    "pos_production_api",
    "shopify_payments",
    "oauth",
    "sso_management",
    "sso_provider_management",
    "enterprise_sso",
    "security_dashboard",
    "security_management",
    "security_utilities",
    "service_providers",
    "service_milestones",
    "service_request_bidding",
    "audience_intelligence",
    "rl_training",
    "webhooks",
    "webhooks_comprehensive",
    "websocket_docs",
    "brands_complete",
    "brands_team_onboarding",
    "gemini",
    "openai_compat",
    "onboarding",
    "feature_toggles",
    "compliance_reports",
    "credit_system",
    "database_performance",
    "user_preferences",
    "media_gallery",
    "roles",
    "uploads",
    "audit",
    "csv_import",
    "data_sources",
    "creative_studio",
]

# Filled by load_routers(): router name -> exception, and the names that loaded.
LOADED_ROUTERS: List[str] = []
FAILED_ROUTERS: Dict[str, BaseException] = {}


def load_routers(app: FastAPI) -> int:
    LOADED_ROUTERS.clear()
    FAILED_ROUTERS.clear()
    logger.info("Loading %d routers...", len(ROUTERS))
    for name in ROUTERS:
        try:
            module = importlib.import_module(f"app.routers.{name}")
            app.include_router(module.router, prefix="/api")
            LOADED_ROUTERS.append(name)
        except Exception as exc:
            FAILED_ROUTERS[name] = exc
            logger.warning("Failed to load router %s: %s", name, exc)
    logger.info("Successfully loaded and included %d routers", len(LOADED_ROUTERS))
    return len(LOADED_ROUTERS)


def create_app() -> FastAPI:
    application = FastAPI(title=settings.PROJECT_NAME, version="0.9.3", openapi_url="/api/openapi.json")
    setup_cors(application)
    application.add_middleware(RequestIdMiddleware)
    logger.info("EnGarde application initialized")
    return application


app = create_app()
load_routers(app)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


_PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _location(exc: BaseException) -> Tuple[Optional[str], Optional[int]]:
    """Where the error sits in the project: the offending line for a SyntaxError,
    otherwise the innermost traceback frame that belongs to this project."""
    if isinstance(exc, SyntaxError) and exc.filename:
        filename, lineno = exc.filename, exc.lineno
    else:
        frames = [
            f for f in traceback.extract_tb(exc.__traceback__)
            if not f.filename.startswith("<")
            and os.path.abspath(f.filename).startswith(_PROJECT_ROOT + os.sep)
        ]
        if not frames:
            return None, None
        filename, lineno = frames[-1].filename, frames[-1].lineno
    path = os.path.abspath(filename)
    if path.startswith(_PROJECT_ROOT + os.sep):
        path = os.path.relpath(path, _PROJECT_ROOT).replace(os.sep, "/")
    return path, lineno


def main(argv: List[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.main", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report router loading and exit")
    parser.add_argument("--json", action="store_true", help="with --check: print a JSON report")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)

    if args.check:
        if args.json:
            report = {
                "loaded": list(LOADED_ROUTERS),
                "failed": {
                    name: {
                        "type": type(exc).__name__,
                        "message": _one_line(exc),
                        "file": _location(exc)[0],
                        "line": _location(exc)[1],
                    }
                    for name, exc in FAILED_ROUTERS.items()
                },
            }
            print(json.dumps(report, indent=2))
        else:
            for name in ROUTERS:
                if name in FAILED_ROUTERS:
                    exc = FAILED_ROUTERS[name]
                    print(f"FAILED {name}: {type(exc).__name__}: {_one_line(exc)}")
                else:
                    print(f"OK {name}")
            print(f"Successfully loaded and included {len(LOADED_ROUTERS)} routers")
        return 0

    import uvicorn  # only needed to serve

    uvicorn.run(app, host=args.host, port=args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
