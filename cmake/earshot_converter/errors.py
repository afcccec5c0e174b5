"""The converter's errors: one line for the user, exit code 2. No onnx here: the front-end file
checks (metadata.py) also serve the Python binding, which needs no onnx."""


class ConvertError(Exception):
    """One line for the user; the program exits with code 2."""


def node_error(node, message):
    name = node.name or (node.output[0] if node.output else "?")
    return ConvertError(f"node '{name}' ({node.op_type}): {message}")
