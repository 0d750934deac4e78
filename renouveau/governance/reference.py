"""Reference data every instance needs: the plan's bodies and partners (``data/reference.json``)."""


def load() -> str:
    from .services import reference_load

    return reference_load()
