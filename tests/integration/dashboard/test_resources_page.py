"""The resource library and the line's topics, kept from the dashboard: checked and audited."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.integration.conftest import Line
from tests.integration.dashboard.conftest import Dashboard
from tests.integration.dashboard.test_audit_log import rows
from tests.integration.dashboard.test_settings import line_row
from warmline.lines.rules.topics import DEFAULT_TOPICS, parse_topics
from warmline.models import Resource

BREATHING = {
    "title": "Calm breathing",
    "text": "Breathe in for 4, hold for 4, out for 6.",
    "link": "https://example.org/breathe",
    "topics": "panic, grief",
    "language": "en",
}


def library(line: Line) -> list[Resource]:
    with line.rt.db.session() as session:
        return list(
            session.scalars(
                select(Resource).where(Resource.retired_at.is_(None)).order_by(Resource.id)
            )
        )


def field(page: str, element_id: str) -> str:
    found = re.search(rf'<(?:input|textarea|select) id="{element_id}"[^>]*>', page)
    assert found is not None, element_id
    return found.group(0)


def test_a_coordinator_adds_changes_and_removes_a_resource_and_each_is_audited(
    line: Line, signed_in: Dashboard
) -> None:
    assert "No resources yet" in signed_in.text("/resources")
    assert signed_in.post("/resources", BREATHING).status_code == 302
    assert "Resource added: Calm breathing." in signed_in.followed
    (added,) = library(line)
    assert (added.title, added.topics, added.link) == (
        "Calm breathing",
        "anxiety,grief",
        "https://example.org/breathe",
    )
    page = signed_in.text("/resources")
    assert "Topics: anxiety, grief" in page
    edit = signed_in.text(f"/resources/{added.id}")
    assert 'value="Calm breathing"' in edit and 'value="anxiety, grief"' in edit
    changed = {
        **BREATHING,
        "title": "Box breathing",
        "link": "+1 555 010 7777",
        "topics": "anxiety",
    }
    assert signed_in.post(f"/resources/{added.id}", changed).status_code == 302
    (kept,) = library(line)
    assert (kept.title, kept.link, kept.topics) == ("Box breathing", "+1 555 010 7777", "anxiety")
    assert signed_in.post(f"/resources/{added.id}/remove", {}).status_code == 302
    assert library(line) == []
    audit = [(r[2], r[-1]) for r in rows(signed_in.text("/audit"))]
    assert ("removed resource", "Box breathing") in audit
    assert ("changed resource", "Box breathing: title, link, topics") in audit
    assert ("added resource", "Calm breathing") in audit


def test_a_bad_resource_is_explained_beside_its_field_and_nothing_is_added(
    line: Line, signed_in: Dashboard
) -> None:
    response = signed_in.post("/resources", {**BREATHING, "topics": "grief, juggling"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "There is a problem" in page and 'href="#resource-topics"' in page
    assert "“Topics”: not on the line&#39;s topic list: juggling" in page
    assert 'aria-invalid="true"' in field(page, "resource-topics")
    assert 'value="Calm breathing"' in page  # what was typed stays
    response = signed_in.post("/resources", {**BREATHING, "link": "javascript:alert(1)"})
    assert response.status_code == 400
    assert "“Link or number” must be a web address" in response.get_data(as_text=True)
    response = signed_in.post("/resources", {**BREATHING, "title": "  "})
    assert "“Title” must be 1 to 120 characters." in response.get_data(as_text=True)
    assert library(line) == []


def test_another_lines_resource_or_a_removed_one_is_not_found(
    line: Line, signed_in: Dashboard
) -> None:
    signed_in.post("/resources", BREATHING)
    (added,) = library(line)
    signed_in.post(f"/resources/{added.id}/remove", {})
    assert signed_in.get(f"/resources/{added.id}").status_code == 404
    assert signed_in.post(f"/resources/{added.id}", BREATHING).status_code == 404


def test_the_built_in_topics_are_shown_and_adding_one_makes_the_list_the_lines_own(
    line: Line, signed_in: Dashboard
) -> None:
    page = signed_in.text("/resources")
    assert "The built-in list" in page
    for name in DEFAULT_TOPICS:
        assert f'value="{name}"' in page
    form = {"name": "Caregiving", "synonyms": "carer, caring for, cuidador"}
    assert signed_in.post("/topics", form).status_code == 302
    assert "Topic added: caregiving." in signed_in.followed
    kept = parse_topics(line_row(line).topics)
    assert list(kept) == [*DEFAULT_TOPICS, "caregiving"]
    assert kept["caregiving"] == ("carer", "caring for", "cuidador")
    assert kept["grief"] == DEFAULT_TOPICS["grief"]
    # A resource can now be filed under it by any of its words.
    assert signed_in.post("/resources", {**BREATHING, "topics": "carer"}).status_code == 302
    assert library(line)[0].topics == "caregiving"
    audit = [(r[2], r[-1]) for r in rows(signed_in.text("/audit"))]
    assert ("added topic", "caregiving: carer, caring for, cuidador") in audit


def test_a_word_that_already_stands_for_another_topic_is_refused_beside_it(
    line: Line, signed_in: Dashboard
) -> None:
    response = signed_in.post("/topics", {"name": "stress", "synonyms": "pressure, worry"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "“worry” already stands for the topic “anxiety”." in page
    assert 'href="#topic-synonyms"' in page
    assert 'aria-invalid="true"' in field(page, "topic-synonyms")
    assert line_row(line).topics == ""


def test_a_topic_is_renamed_reworded_and_removed_but_the_last_one_stays(
    line: Line, signed_in: Dashboard
) -> None:
    signed_in.post("/resources", {**BREATHING, "topics": "loneliness, grief"})
    form = {"old_name": "loneliness", "name": "isolation", "synonyms": "lonely, alone, soledad"}
    assert signed_in.post("/topics/change", form).status_code == 302
    assert library(line)[0].topics == "isolation,grief"  # filed under the new name
    kept = parse_topics(line_row(line).topics)
    assert "loneliness" not in kept and kept["isolation"] == ("lonely", "alone", "soledad")
    assert list(kept).index("isolation") == list(DEFAULT_TOPICS).index("loneliness")
    for name in list(kept)[:-1]:
        assert signed_in.post("/topics/remove", {"old_name": name}).status_code == 302
    assert library(line)[0].topics == ""  # its topics are gone from the list, and from it
    last = list(kept)[-1]
    response = signed_in.post("/topics/remove", {"old_name": last})
    assert response.status_code == 400
    assert "A line keeps at least one topic" in response.get_data(as_text=True)
    assert list(parse_topics(line_row(line).topics)) == [last]
    audit = [(r[2], r[-1]) for r in rows(signed_in.text("/audit"))]
    assert (
        "changed topic",
        "loneliness: lonely, isolated, alone, soledad, sola → isolation: lonely, alone, soledad",
    ) in audit


def test_a_refused_change_to_a_topic_is_shown_in_its_own_row(
    line: Line, signed_in: Dashboard
) -> None:
    form = {"old_name": "substance use", "name": "substance use", "synonyms": "drinking, panic"}
    response = signed_in.post("/topics/change", form)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    row = list(DEFAULT_TOPICS).index("substance use") + 1
    assert f'href="#topic-{row}-synonyms"' in page
    assert 'aria-invalid="true"' in field(page, f"topic-{row}-synonyms")
    assert "“panic” already stands for the topic “anxiety”." in page
    assert line_row(line).topics == ""
