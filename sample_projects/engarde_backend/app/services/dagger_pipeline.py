"""Container pipelines executed with the Dagger engine.

Used to run untrusted generated code (creative renders, Langflow custom
components, CSV transforms) in an isolated container.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Dict, List, Optional

import dagger

DEFAULT_IMAGE = "python:3.11-slim"


@dataclass
class PipelineResult:
    exit_ok: bool
    stdout: str
    artifacts: Dict[str, str] = field(default_factory=dict)


class DaggerPipeline:
    def __init__(self, image: str = DEFAULT_IMAGE, workdir: str = "/work", timeout: Optional[int] = 600):
        self.image = image
        self.workdir = workdir
        self.timeout = timeout

    def _config(self) -> dagger.Config:
        return dagger.Config(log_output=sys.stderr, execute_timeout=self.timeout)

    async def run_python(self, script: str, requirements: Optional[List[str]] = None, env: Optional[Dict[str, str]] = None) -> PipelineResult:
        async with dagger.Connection(self._config()) as client:
            container = client.container().from_(self.image).with_workdir(self.workdir)
            for key, value in (env or {}).items():
                container = container.with_env_variable(key, value)
            if requirements:
                container = container.with_exec(["pip", "install", "--no-cache-dir", *requirements])
            container = container.with_new_file(f"{self.workdir}/main.py", contents=script)
            output = await container.with_exec(["python", "main.py"]).stdout()
        return PipelineResult(exit_ok=True, stdout=output)

    async def render_creative(self, template: str, variables: Dict[str, str]) -> PipelineResult:
        script = "import json, string\n" f"tpl = string.Template({template!r})\n" f"print(tpl.safe_substitute({variables!r}))\n"
        return await self.run_python(script)


def get_pipeline() -> DaggerPipeline:
    return DaggerPipeline()
