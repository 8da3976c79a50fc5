"""iCalendar (RFC 5545) text: the escaping and line folding every calendar feed of the portal uses."""

LINE_LIMIT = 75  # octets, without the line break


def text_escape(value: str) -> str:
    """Return value escaped as an iCalendar TEXT value."""
    return (
        str(value)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def line_fold(line: str) -> str:
    """Return a content line folded at 75 octets, never inside a UTF-8 character (RFC 5545, 3.1)."""
    parts, current, size = [], "", 0
    for character in line:
        length = len(character.encode())
        limit = LINE_LIMIT if not parts else LINE_LIMIT - 1  # continuation lines start with a space
        if size + length > limit:
            parts.append(current)
            current, size = "", 0
        current += character
        size += length
    parts.append(current)
    return "\r\n ".join(parts)
