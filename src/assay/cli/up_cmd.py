"""`assay up`: the database, the API, the dashboard and the run executor on one local origin."""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import signal
from pathlib import Path
from types import FrameType
from typing import Annotated, Any

import typer
import uvicorn
from aws_lambda_powertools.event_handler.http_resolver import HttpResolverLocal

from assay import wiring
from assay.adapters.local_launcher import LocalLauncher
from assay.adapters.openrouter import OpenAICompatibleClient
from assay.adapters.python_assertion import run_python_assertion
from assay.domain.errors import InvalidInput
from assay.http.app import build_app
from assay.http.asgi import LocalOrigin
from assay.http.jwt_verify import verifier_from_settings
from assay.http.services import ApiServices, PooledConnections
from assay.settings import Settings, load_settings
from assay.usecases.catalog import OpenRouterCatalog

log = logging.getLogger("assay.up")

WEB_DIR = Path(__file__).resolve().parents[3] / "web"  # cli/ -> assay/ -> src/ -> project root


def dashboard_root(web: Path = WEB_DIR) -> Path | None:
    """`web/dist` when built, else `web/` when it has pages, else None (a placeholder page)."""
    for candidate in (web / "dist", web):
        if (candidate / "index.html").is_file():
            return candidate
    return None


def is_loopback(host: str) -> bool:
    """Whether `host` only listens on this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def model_catalog(settings: Settings) -> OpenRouterCatalog:
    """The OpenRouter `/models` catalog behind `POST /v1/models/refresh`."""
    base = settings.openrouter_base_url
    return OpenRouterCatalog(
        client_factory=lambda: OpenAICompatibleClient(openrouter_base_url=base),
        base_url=base,
        api_key=settings.openrouter_api_key,
    )


def dashboard_config(settings: Settings) -> dict[str, Any]:
    """What the dashboard reads from /config.json: the Supabase project when logins are on."""
    if not settings.supabase_url:
        return {}
    return {"supabaseUrl": settings.supabase_url, "supabaseAnonKey": settings.supabase_anon_key}


def up(
    port: Annotated[
        int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")
    ] = 8321,
    host: Annotated[str, typer.Option("--host", help="Address to bind.")] = "127.0.0.1",
    parallel_runs: Annotated[
        int, typer.Option("--parallel-runs", min=1, max=32, help="Runs executed at once.")
    ] = 2,
) -> None:
    """Serve the API, the dashboard and the local run executor on http://HOST:PORT/."""
    settings = load_settings()
    verifier = verifier_from_settings(settings)
    if verifier is None and not is_loopback(host):
        raise InvalidInput(
            f"refusing to bind {host}: without SUPABASE_URL or SUPABASE_JWT_SECRET anyone who "
            "reaches the port acts as the local user; bind 127.0.0.1 or configure Supabase auth"
        )
    logging.getLogger("assay").setLevel(settings.log_level)
    conninfo = wiring.database(settings)
    db = PooledConnections(conninfo)
    db.open()
    launcher = LocalLauncher(conninfo, parallel=parallel_runs, code_runner=run_python_assertion)
    try:
        launcher.open()
        services = ApiServices(
            db=db,
            settings=settings,
            launcher=launcher,
            verifier=verifier,
            catalog=model_catalog(settings),
        )
        api = build_app(services, local=True)
        assert isinstance(api, HttpResolverLocal)
        origin = LocalOrigin(
            api, static_root=dashboard_root(), dashboard_config=dashboard_config(settings)
        )
        serve(origin, host=host, port=port)
    finally:
        launcher.close()
        db.close()


def serve(origin: LocalOrigin, *, host: str, port: int) -> None:
    """Run uvicorn until SIGINT or SIGTERM; either ends the server cleanly with exit code 0."""
    config = uvicorn.Config(origin, host=host, port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)

    def quiet_stop(sig: int, frame: FrameType | None) -> None:
        # uvicorn re-raises the signal it caught once it has shut down; this makes that a no-op.
        server.should_exit = True

    previous = {s: signal.signal(s, quiet_stop) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        asyncio.run(_serve(server, host, port))
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


async def _serve(server: uvicorn.Server, host: str, port: int) -> None:
    config = server.config
    if not config.loaded:
        config.load()
    server.lifespan = config.lifespan_class(config)
    await server.startup()
    if server.should_exit:  # the port was taken: uvicorn logged why
        raise InvalidInput(f"cannot listen on {host}:{port}")
    shown = f"[{host}]" if ":" in host else host
    message = f"Assay is up: open http://{shown}:{port}/ (API docs: http://{shown}:{port}/v1/docs)"
    print(message, flush=True)
    log.info(message)
    await server.main_loop()
    await server.shutdown()
