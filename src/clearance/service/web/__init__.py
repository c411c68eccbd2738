"""The web UI: server-rendered pages (Jinja2) over the same services as the APIs.

Every page works without JavaScript; the little script in `static/` only saves
a page load when a search form is submitted. `pages.router` holds the read-only
pages (search, entity, lists); `templating.render` is what every page, here and
in the other UI modules, renders through, so headers and the layout are one.
"""
