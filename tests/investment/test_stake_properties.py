"""Property: whatever sequence of stake changes is asked, the stakes never pass 100 %.

And the project's running Σ (``stakes_bp``, the claim's counter) always
equals the sum of its participants' stakes: a refused change writes nothing.
"""

from __future__ import annotations

from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from marquee.core.errors import DomainError
from marquee.investment import services
from marquee.investment.models import Participant, Project

ops = st.lists(
    st.tuples(st.sampled_from(["add", "set"]), st.integers(0, 4), st.integers(0, 6000)),
    min_size=1,
    max_size=12,
)


class StakeProperties(TestCase):
    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(ops=ops)
    def test_stakes_never_pass_100_percent(self, ops):
        project = services.create_project(slug="prop", name_en="Prop")
        people: list[int] = []
        for op, who, bp in ops:
            try:
                if op == "add" or not people:
                    people.append(
                        services.add_participant(
                            project="prop", name=f"P{len(people)}", kind="partner", stake_bp=bp
                        ).pk
                    )
                else:
                    services.set_stake(participant_id=people[who % len(people)], stake_bp=bp)
            except DomainError as refused:
                assert refused.code == "stakes_over_100"
            total = Participant.objects.filter(project=project).aggregate(t=Sum("stake_bp"))["t"]
            counter = Project.objects.get(pk=project.pk).stakes_bp
            assert (total or 0) == counter <= 10_000
