"""A higher app's block on a lower app's page: rendered in order, escaped, hidden when its context is None."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from core import blocks


@pytest.mark.django_db
def test_registered_blocks_render_in_order_escaped_and_only_when_allowed(
    monkeypatch, tmp_path, settings
):
    monkeypatch.setattr(blocks, "_BLOCKS", {})
    (tmp_path / "first.html").write_text("<p>1:{{ value }}</p>")
    (tmp_path / "second.html").write_text("<p>2:{{ value }}</p>")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    blocks.register_block("slot", "second.html", lambda request, obj: {"value": obj}, order=20)
    blocks.register_block("slot", "first.html", lambda request, obj: {"value": obj}, order=10)
    blocks.register_block("slot", "first.html", lambda request, obj: None, order=30)
    template = Template('{% load blocks %}{% page_blocks "slot" thing %}')
    request = RequestFactory().get("/")
    html = template.render(Context({"request": request, "thing": "<b>x</b>"}))
    assert html == "<p>1:&lt;b&gt;x&lt;/b&gt;</p><p>2:&lt;b&gt;x&lt;/b&gt;</p>"
    assert Template('{% load blocks %}{% page_blocks "other" %}').render(Context({})) == ""
