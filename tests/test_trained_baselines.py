"""Small pieces of the trained baselines (BIO decoding, the gazetteer, the claim span) on sentences with known
answers."""

from __future__ import annotations

from tahqiq.baselines.claim_classifier import train_claims
from tahqiq.baselines.crf import bio_spans
from tahqiq.baselines.gazetteer import train_gazetteer


def test_bio_tags_become_spans():
    tokens = [(0, 3), (4, 7), (8, 9), (10, 12), (13, 15)]
    assert bio_spans(tokens, ["B-ORG", "I-ORG", "O", "I-PERS", "B-PERS"]) == [
        (0, 7, "ORG"), (10, 12, "PERS"), (13, 15, "PERS")]


def test_the_gazetteer_takes_the_frequent_label_the_longest_name_and_leaves_proclitics_outside():
    mentions = [("ديب سيك", "ORG"), ("ديب سيك", "PRODUCT"), ("ديب سيك", "ORG"), ("سيك", "PERS")]
    gazetteer = train_gazetteer([{"entities": [{"text": t, "label": label} for t, label in mentions]}])
    text = "وبديب سيك أعلنت، وسيك"
    assert [(text[e["start"]:e["end"]], e["label"]) for e in gazetteer.predict(text, "body")["entities"]] == [
        ("ديب سيك", "ORG"), ("سيك", "PERS")]


def test_a_claim_spans_the_trimmed_sentence_with_its_numbers():
    """With one class seen in training, each classifier answers the majority value."""
    claim = {"text": "بلغت التكلفة 6 ملايين دولار", "checkworthy": "yes", "claim_type": "cost", "modality": "asserted"}
    classifier = train_claims([{"text": claim["text"], "zone": "body", "has_claim": "yes", "claims": [claim]}])
    text = "وبلغت تكلفة التدريب 6 ملايين دولار."
    line = classifier.predict(text, "body")
    assert line["has_claim"] == "yes"
    (predicted,) = line["claims"]
    assert predicted["text"] == "بلغت تكلفة التدريب 6 ملايين دولار"
    assert (predicted["checkworthy"], predicted["claim_type"], predicted["modality"]) == ("yes", "cost", "asserted")
    assert [text[link["start"]:link["end"]] for link in predicted["links"]] == ["6 ملايين دولار"]
    assert classifier.predict(text, "caption") == {"has_claim": "no", "claims": []}
