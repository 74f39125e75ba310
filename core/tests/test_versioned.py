"""core.versioned.VersionedStore: a value is built once per key and data version, within its bound."""

from core.versioned import VersionedStore


def test_a_value_is_built_again_only_under_another_version():
    store, built = VersionedStore(), []

    def build(value):
        return lambda: built.append(value) or value

    assert store.get("index", "v1", build("a")) == "a"
    assert store.get("index", "v1", build("b")) == "a"  # kept
    assert store.get("index", "v2", build("c")) == "c"  # the data changed
    assert built == ["a", "c"]
    store.clear()
    assert store.get("index", "v2", build("d")) == "d" and len(store) == 1


def test_a_bounded_store_forgets_the_least_recently_built_first():
    store = VersionedStore(max_entries=2)
    for key in ("a", "b", "c"):
        store.get(key, "v1", lambda key=key: key.upper())
    assert len(store) == 2
    assert store.get("a", "v1", lambda: "rebuilt") == "rebuilt"  # "a" was dropped
    assert store.get("c", "v1", lambda: "rebuilt") == "C"
