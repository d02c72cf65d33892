from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from config.schema import WorkspaceConfig
from tests.support.harness import Harness, running_bot


@pytest.fixture
async def bot(database_url: str, workspace: WorkspaceConfig) -> AsyncIterator[Harness]:
    async with running_bot(database_url, workspace) as harness:
        yield harness
