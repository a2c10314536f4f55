"""Edit a curated YAML file in place by the exact span of one node, keeping everything else.

`kg review --apply` adds aliases to entities data/ already has. Re-dumping the file would lose
the curator's comments, quoting and list styles; a line-based edit loses aliases when a list
spans lines or carries a comment. Here the file is composed (pure-Python PyYAML: its marks are
exact character offsets), the entity's `aliases` node is found, and text is inserted only at
its end: before a flow list's `]`, after a block list's last item, or as a new `aliases:` line
after the entity's last field. The caller re-reads the result and compares it with what it
meant (`expect_aliases`); any difference refuses the edit.
"""

from __future__ import annotations

import json

import yaml

from ..errors import KGError


class EditRefused(KGError):
    """The file is in a shape this edit cannot change safely; nothing was written."""


def _compose(text: str) -> yaml.Node:
    node = yaml.compose(text, Loader=yaml.BaseLoader)
    if not isinstance(node, yaml.MappingNode):
        raise EditRefused("the file is not a mapping")
    return node


def _get(mapping: yaml.MappingNode, key: str) -> tuple[yaml.Node, yaml.Node] | None:
    for key_node, value_node in mapping.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            return key_node, value_node
    return None


def _entity_node(text: str, ident: str) -> yaml.MappingNode:
    found = _get(_compose(text), "entities")
    if found is None or not isinstance(found[1], yaml.SequenceNode):
        raise EditRefused("the file has no 'entities:' list")
    hits = [item for item in found[1].value if isinstance(item, yaml.MappingNode)
            and (pair := _get(item, "id")) and isinstance(pair[1], yaml.ScalarNode) and pair[1].value == ident]
    if len(hits) != 1:
        raise EditRefused(f"entity '{ident}' is defined {len(hits)} times in the file")
    return hits[0]


def _quoted(value: str) -> str:
    # JSON strings are YAML double-quoted scalars; ensure_ascii=False keeps names readable.
    return json.dumps(value, ensure_ascii=False)


def _line_end(text: str, mark: yaml.Mark) -> int:
    """The offset just after the line on which the node ending at `mark` ends (its last character)."""
    last = mark.index - 1
    while last > 0 and text[last] in " \t\r\n":  # a block scalar's end mark is past its line breaks
        last -= 1
    end = text.find("\n", last)
    return len(text) if end < 0 else end + 1


def add_aliases(text: str, ident: str, aliases: list[str]) -> str:
    """`text` with `aliases` appended to entity `ident`'s aliases, everything else as it was."""
    if not aliases:
        return text
    entity = _entity_node(text, ident)
    quoted = [_quoted(a) for a in aliases]
    pair = _get(entity, "aliases")
    if pair is None or (isinstance(pair[1], yaml.ScalarNode) and pair[1].value in ("", "~", "null")):
        return _new_key(text, entity, pair, quoted)
    node = pair[1]
    if not isinstance(node, yaml.SequenceNode):
        raise EditRefused(f"the aliases of '{ident}' are not a list")
    if node.flow_style:
        if text[node.end_mark.index - 1] != "]":
            raise EditRefused(f"the aliases of '{ident}' do not end with ']'")
        if not node.value:  # `[]`: the new names go inside the brackets
            close = node.end_mark.index - 1
            return text[:close] + ", ".join(quoted) + text[close:]
        at = node.value[-1].end_mark.index  # after the last name: before a comma, comment or ']'
        return text[:at] + "".join(", " + q for q in quoted) + text[at:]
    dash = node.start_mark.index  # a block sequence starts at its first '-'
    indent = node.start_mark.column
    if text[dash] != "-" or text[dash - indent:dash].strip():
        raise EditRefused(f"the aliases of '{ident}' are a list in a shape this edit does not know")
    at = _line_end(text, node.value[-1].end_mark)
    added = "".join(f"{' ' * indent}- {q}\n" for q in quoted)
    return text[:at] + ("" if text[:at].endswith("\n") else "\n") + added + text[at:]


def _new_key(text: str, entity: yaml.MappingNode, pair, quoted: list[str]) -> str:
    flow = "[" + ", ".join(quoted) + "]"
    if pair is not None:  # `aliases:` with no value, or `~`: put the list in its place
        node = pair[1]
        start, end = node.start_mark.index, node.end_mark.index
        if start == end:  # nothing after 'aliases:'
            colon = text.index(":", pair[0].end_mark.index)
            return text[:colon + 1] + " " + flow + text[colon + 1:]
        return text[:start] + flow + text[end:]
    if entity.flow_style:
        raise EditRefused("the entity is written as a flow mapping {...}")
    key = entity.value[0][0]
    indent = key.start_mark.column
    at = _line_end(text, entity.value[-1][1].end_mark)
    return text[:at] + ("" if text[:at].endswith("\n") else "\n") + f"{' ' * indent}aliases: {flow}\n" + text[at:]
