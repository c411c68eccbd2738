"""The HTML preview OpenRefine shows when an analyst hovers over a candidate.

Every value comes from a published list and is untrusted text: the template
autoescapes it (Jinja2), and the response's Content-Security-Policy lets no
script run and nothing load, should anything ever get through.
"""

from __future__ import annotations

from jinja2 import Environment, StrictUndefined

from clearance.model import Entity, NameKind
from clearance.report.legal import describe_listing
from clearance.service.ftm_json import Timeline
from clearance.service.reconcile_vocab import TYPES_BY_ID, country_label, dataset_title

WIDTH = 430
HEIGHT = 320
#: inline style only; no script, image, frame or connection
CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
MAX_ALIASES = 8

_TEMPLATE = Environment(autoescape=True, undefined=StrictUndefined).from_string(
    """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ caption }}</title>
<style>
body{font:13px/1.4 system-ui,sans-serif;margin:8px;color:#1b1b1b}
h1{font-size:15px;margin:0}.meta{color:#5a5a5a;margin:2px 0 6px}
dt{font-weight:600;margin-top:6px}dd{margin:0}ul{margin:0;padding-left:16px}
</style></head><body>
<h1>{{ caption }}</h1>
<p class="meta">{{ type_name }} · {{ entity_id }}</p>
<dl>
{%- if aliases %}<dt>Also known as</dt><dd>{{ aliases | join("; ") }}</dd>{% endif %}
{%- if births %}<dt>Born</dt><dd>{{ births | join(", ") }}</dd>{% endif %}
{%- if countries %}<dt>Countries</dt><dd>{{ countries | join(", ") }}</dd>{% endif %}
<dt>Listings and legal effect</dt><dd><ul>
{%- for effect in effects %}<li>{{ effect }}</li>{% else %}<li>no listing details given</li>
{%- endfor %}</ul></dd>
<dt>Source</dt><dd>{{ source }}</dd>
{%- if first_seen %}<dt>In this store since</dt><dd>{{ first_seen }}</dd>{% endif %}
</dl></body></html>
"""
)


def render_preview(entity: Entity, timeline: Timeline, as_of: str | None) -> str:
    kind = TYPES_BY_ID.get(entity.schema)
    aliases = [n.value for n in entity.names if n.kind != NameKind.PRIMARY]
    when = f"as of {as_of}" if as_of else "as-of date not stated"
    return _TEMPLATE.render(
        caption=entity.caption,
        type_name=kind.name if kind else entity.schema,
        entity_id=entity.id,
        aliases=list(dict.fromkeys(aliases))[:MAX_ALIASES],
        births=list(entity.birth_dates),
        countries=list(dict.fromkeys(country_label(c.code) for c in entity.countries)),
        effects=[describe_listing(listing) for listing in entity.listings],
        source=f"{dataset_title(entity.dataset)} ({entity.dataset}), {when}",
        first_seen=(timeline.first_seen or "")[:10],
    )
