"""Online supports of a petition: recorded, confirmed by their link, counted once each."""


def supports(count: int) -> dict:
    from petitions import services
    from tests.petitions.factories import PetitionFactory

    petition = PetitionFactory()
    for index in range(count):
        support = services.support_submit(
            petition=petition,
            name=f"Citoyen {index}",
            relation="resident",
            email=f"citizen{index}@example.ma",
            consent=True,
            site_url="https://openmun.example.ma",
        )
        services.support_confirm(support=support, nonce=support.link_nonce)
    petition.refresh_from_db()
    return {"done": count, "counted": petition.support_count}


SCENARIOS = {"petition supports (submit + confirm)": supports}
