"""The service's settings, passed to every worker process through the environment.

uvicorn starts several workers by importing an app factory by name, so the
settings cannot be handed over as Python objects; environment variables are the
one channel every worker process inherits.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from clearance.store.home import resolve_home

_PREFIX = "CLEARANCE_SERVE_"


@dataclass(frozen=True)
class ServiceConfig:
    home: Path
    allow_anonymous: bool = False
    max_body_bytes: int = 1_000_000
    max_upload_bytes: int = 50_000_000  # a book uploaded through the web UI's batch page
    four_eyes: bool = False  # a case decision takes effect only once a second analyst confirms
    max_queries: int = 100
    requests_per_minute: int = 600
    reload_interval: float = 1.0  # seconds between checks of the active snapshot

    def to_env(self) -> dict[str, str]:
        return {
            "CLEARANCE_HOME": str(self.home),
            _PREFIX + "ALLOW_ANONYMOUS": "1" if self.allow_anonymous else "0",
            _PREFIX + "MAX_BODY_BYTES": str(self.max_body_bytes),
            _PREFIX + "MAX_UPLOAD_BYTES": str(self.max_upload_bytes),
            _PREFIX + "FOUR_EYES": "1" if self.four_eyes else "0",
            _PREFIX + "MAX_QUERIES": str(self.max_queries),
            _PREFIX + "REQUESTS_PER_MINUTE": str(self.requests_per_minute),
            _PREFIX + "RELOAD_INTERVAL": str(self.reload_interval),
        }

    @classmethod
    def from_env(cls) -> ServiceConfig:
        env = os.environ
        return cls(
            home=resolve_home(env.get("CLEARANCE_HOME")),
            allow_anonymous=env.get(_PREFIX + "ALLOW_ANONYMOUS", "0") == "1",
            max_body_bytes=int(env.get(_PREFIX + "MAX_BODY_BYTES", "1000000")),
            max_upload_bytes=int(env.get(_PREFIX + "MAX_UPLOAD_BYTES", "50000000")),
            # the CLI's `clearance alerts` reads CLEARANCE_FOUR_EYES: either one turns it on
            four_eyes=env.get(_PREFIX + "FOUR_EYES", "0") == "1"
            or env.get("CLEARANCE_FOUR_EYES", "0") == "1",
            max_queries=int(env.get(_PREFIX + "MAX_QUERIES", "100")),
            requests_per_minute=int(env.get(_PREFIX + "REQUESTS_PER_MINUTE", "600")),
            reload_interval=float(env.get(_PREFIX + "RELOAD_INTERVAL", "1.0")),
        )
