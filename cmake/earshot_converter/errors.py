"""The converter's errors: one line for the user, exit code 2."""
from onnx import helper


class ConvertError(Exception):
    """One line for the user; the program exits with code 2."""


def node_error(node, message):
    name = node.name or (node.output[0] if node.output else "?")
    return ConvertError(f"node '{name}' ({node.op_type}): {message}")


def attributes(node):
    values = {}
    for attribute in node.attribute:
        value = helper.get_attribute_value(attribute)
        values[attribute.name] = value.decode() if isinstance(value, bytes) else value
    return values

