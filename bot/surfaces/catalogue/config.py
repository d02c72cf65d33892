"""Messages about the workspace configuration itself: a changed file refused on reload."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "config.refused": ":warning: The changed workspace file `{path}` was refused and the running configuration "
        "stays. Fix these problems (`crossdesk check-config {path}` shows them too), then save it again:",
        "config.refused_more": "• …and {count} more {count:problem|problems} (see `crossdesk check-config`)",
    },
    "zh": {
        "config.refused": ":warning: 修改后的工作区配置文件 `{path}` 未被采用，当前配置保持不变。"
        "请修正以下问题（`crossdesk check-config {path}` 也会列出），然后重新保存：",
        "config.refused_more": "• ……另有 {count} 个问题（见 `crossdesk check-config`）",
    },
}
