"""Serialising Keras objects (losses, metrics, initializers, regularizers) to and from JSON configs."""


def serialize_object(obj, base):
    """A name passes through; an instance of ``base`` becomes ``{'class_name', 'config'}``;
    any other callable is named by its ``__name__``."""
    if obj is None or isinstance(obj, str):
        return obj
    if isinstance(obj, base):
        return {"class_name": type(obj).__name__, "config": obj.get_config()}
    return getattr(obj, "__name__", repr(obj))


def deserialize_object(config, kind, classes, get, custom_objects=None):
    """Inverse of :func:`serialize_object`: ``classes`` maps class names to classes, ``get``
    resolves names; ``custom_objects`` maps names to user classes or functions."""
    custom_objects = custom_objects or {}
    if isinstance(config, dict):
        name = config.get("class_name")
        cls = custom_objects.get(name) or classes.get(name)
        if cls is None:
            raise ValueError(f"Unknown {kind} class {name!r}; pass it in custom_objects={{{name!r}: ...}}")
        cfg = config.get("config", {})
        return cls.from_config(cfg) if hasattr(cls, "from_config") else cls(**cfg)
    if isinstance(config, str) and config in custom_objects:
        return custom_objects[config]
    return get(config)
