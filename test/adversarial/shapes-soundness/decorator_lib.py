"""A decorator the analyser cannot see (it lives in another file): it doubles what it decorates returns."""
import functools


def doubled(f):
    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        return 2 * f(*args, **kwargs)
    return wrapper
