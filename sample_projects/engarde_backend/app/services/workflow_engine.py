"""Executes Langflow-style workflow graphs (topological order, node handlers)."""
from __future__ import annotations

import asyncio
import logging
from collections import defaultdict, deque
from typing import Any, Awaitable, Callable, Dict, List, Optional

logger = logging.getLogger(__name__)

NodeHandler = Callable[[Dict[str, Any], Dict[str, Any]], Awaitable[Dict[str, Any]]]


class WorkflowValidationError(ValueError):
    pass


class WorkflowEngine:
    def __init__(self) -> None:
        self.handlers: Dict[str, NodeHandler] = {
            "input": self._passthrough,
            "output": self._passthrough,
            "prompt": self._render_prompt,
            "python": self._run_python,
        }

    def register(self, node_type: str, handler: NodeHandler) -> None:
        self.handlers[node_type] = handler

    @staticmethod
    def topological_order(nodes: List[Dict[str, Any]], edges: List[Dict[str, Any]]) -> List[str]:
        indegree: Dict[str, int] = {n["id"]: 0 for n in nodes}
        children: Dict[str, List[str]] = defaultdict(list)
        for edge in edges:
            children[edge["source"]].append(edge["target"])
            indegree[edge["target"]] = indegree.get(edge["target"], 0) + 1
        queue = deque(n for n, d in indegree.items() if d == 0)
        order: List[str] = []
        while queue:
            node = queue.popleft()
            order.append(node)
            for child in children[node]:
                indegree[child] -= 1
                if indegree[child] == 0:
                    queue.append(child)
        if len(order) != len(indegree):
            raise WorkflowValidationError("workflow graph contains a cycle")
        return order

    async def run(self, definition: Dict[str, Any], inputs: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        nodes = {n["id"]: n for n in definition.get("nodes", [])}
        context: Dict[str, Any] = dict(inputs or {})
        for node_id in self.topological_order(list(nodes.values()), definition.get("edges", [])):
            node = nodes[node_id]
            handler = self.handlers.get(node["type"])
            if handler is None:
                raise WorkflowValidationError(f"no handler for node type {node['type']!r}")
            context[node_id] = await handler(node.get("data", {}), context)
        return context

    async def _passthrough(self, data: Dict[str, Any], context: Dict[str, Any]) -> Dict[str, Any]:
        return dict(data)

    async def _render_prompt(self, data: Dict[str, Any], context: Dict[str, Any]) -> Dict[str, Any]:
        template: str = data.get("template", "")
        return {"text": template.format(**{k: v for k, v in context.items() if isinstance(v, str)})}

    async def _run_python(self, data: Dict[str, Any], context: Dict[str, Any]) -> Dict[str, Any]:
        # Custom code runs in a container; the Dagger SDK is only needed for these nodes.
        from app.services.dagger_pipeline import get_pipeline

        result = await get_pipeline().run_python(data.get("code", ""), data.get("requirements"))
        return {"stdout": result.stdout}

    def run_sync(self, definition: Dict[str, Any], inputs: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        return asyncio.run(self.run(definition, inputs))


engine = WorkflowEngine()
