from kg.text import clean


def test_lost_byte_damage_is_repaired():
    assert clean("Trumpâs actions") == "Trump’s actions"
    assert clean("known as âsanctuary citiesâ or") == "known as “sanctuary cities” or"
    assert clean("jurisdictionsâwhich the order") == "jurisdictions—which the order"
    assert clean("operationsââdo not") == "operations”—do not"
    assert clean("assistanceâŚmust remain") == "assistance…must remain"
    assert clean("federal funding.Â") == "federal funding."
    assert clean("they donât cooperate") == "they don’t cooperate"


def test_ordinary_mojibake_is_repaired():
    assert clean("Trumpâ€™s â€œorderâ€\x9d") == "Trump’s “order”"


def test_clean_text_is_unchanged():
    text = "Trump’s “order” — fine."
    assert clean(text) is text


def test_seed_article_reads_cleanly():
    from conftest import REPO

    text = (REPO / "data" / "sources" / "targeting2025.txt").read_text(encoding="utf-8")
    assert "â" in text  # the stored text keeps its damage
    cleaned = clean(text)
    assert "â" not in cleaned and "Â" not in cleaned
    assert "“Protecting the American People Against Invasion,”" in cleaned
