"""« Mon espace » says what each person can do, and links to Django's admin only for those it admits."""

from __future__ import annotations

from django.urls import reverse

from accounts.models import Role


def test_a_superuser_without_roles_is_not_told_public_pages_only(client, django_user_model):
    root = django_user_model.objects.create_superuser("racine@anct.test", "racine@anct.test", "x")
    client.force_login(root)
    html = client.get(reverse("accounts:dashboard")).content.decode()
    assert "pages publiques seulement" not in html
    assert "administrateur de la plateforme" in html
    assert "territoires, comptes et plans" in html and "Administration des données" in html


def test_the_admin_link_shows_only_to_those_the_admin_admits(client, make_user, territory):
    lead = make_user("cheffe@exemple.fr", (Role.CHEF_DE_PROJET, {"territory": territory}))
    national = make_user("equipe@anct.test", (Role.EQUIPE_NATIONALE, {}))

    client.force_login(lead)
    assert (
        "Administration des données"
        not in client.get(reverse("accounts:dashboard")).content.decode()
    )
    assert client.get(reverse("admin:index")).status_code == 302  # sent to the admin's sign-in

    client.force_login(national)
    assert (
        "Administration des données" in client.get(reverse("accounts:dashboard")).content.decode()
    )
    index = client.get(reverse("admin:index")).content.decode()
    assert (
        "Vous n’avez pas la permission" not in index
        and "Vous n'avez pas la permission" not in index
    )
    assert client.get(reverse("admin:plans_action_changelist")).status_code == 200


def test_one_territory_is_singular(client, make_user, territory):
    lead = make_user("chef@exemple.fr", (Role.CHEF_DE_PROJET, {"territory": territory}))
    client.force_login(lead)
    html = client.get(reverse("accounts:dashboard")).content.decode()
    assert "de 1 territoire :" in html and "1 territoires" not in html


def test_the_address_is_not_printed_twice_for_a_person_without_a_name(client, make_user, territory):
    lead = make_user("cheffe@exemple.fr", (Role.CHEF_DE_PROJET, {"territory": territory}))
    client.force_login(lead)
    html = client.get(reverse("accounts:dashboard")).content.decode()
    assert "<strong>cheffe@exemple.fr</strong>." in html
    assert "(cheffe@exemple.fr)" not in html  # was « cheffe@exemple.fr (cheffe@exemple.fr) »

    lead.first_name, lead.last_name = "Anne", "Martin"
    lead.save()
    html = client.get(reverse("accounts:dashboard")).content.decode()
    assert "<strong>Anne Martin</strong> (cheffe@exemple.fr)." in html
