"""Small hand-written knowledge bases (a fictional pottery studio) for the FAQ tests."""

from __future__ import annotations

from bot.services.faq import Document


def _faq(doc_id: str, question: str, answer: str, *alts: str) -> Document:
    return Document(doc_id=doc_id, kind="faq", title=question, text=answer, answer=answer, alt_titles=tuple(alts))


ENGLISH = [
    _faq(
        "kiln-booking",
        "How do I book time in the kiln?",
        "Reserve a firing slot in the studio calendar under Kiln; slots open two weeks ahead.",
        "Where can I reserve a firing?",
    ),
    _faq(
        "clay-storage",
        "Where can I store my clay between classes?",
        "Every member gets a numbered shelf in the back room for clay and unfinished pieces.",
    ),
    _faq(
        "guest-pass",
        "Can I bring a friend to the studio?",
        "Members may bring one guest per month; register them at the front desk.",
    ),
    _faq(
        "glaze-safety",
        "Which glazes are food safe?",
        "Glazes marked with a green dot are food safe after a full cone 6 firing.",
    ),
    _faq(
        "class-refund",
        "Can I get my money back if I miss a class?",
        "Missed classes are not refunded, but you can move to another date up to 24 hours before.",
    ),
]

NORWEGIAN = [
    _faq(
        "kiln-booking",
        "Hvordan bestiller jeg tid i brennovnen?",
        "Reserver en brenning i studiokalenderen under Ovn; tidene åpnes to uker før.",
    ),
    _faq(
        "clay-storage",
        "Hvor kan jeg oppbevare leiren min mellom kursene?",
        "Alle medlemmer får en nummerert hylle på bakrommet til leire og uferdige arbeider.",
    ),
    _faq(
        "guest-pass",
        "Kan jeg ta med en venn til verkstedet?",
        "Medlemmer kan ta med én gjest i måneden; registrer gjesten i resepsjonen.",
    ),
    _faq(
        "class-refund",
        "Får jeg pengene tilbake hvis jeg går glipp av en time?",
        "Timer du går glipp av refunderes ikke, men du kan flytte til en annen dato.",
    ),
]

DANISH = [
    _faq(
        "kiln-booking",
        "Hvordan booker jeg tid i ovnen?",
        "Reserver en brænding i studiets kalender under Ovn; tiderne åbner to uger før.",
    ),
    _faq(
        "clay-storage",
        "Hvor kan jeg opbevare mit ler mellem holdene?",
        "Alle medlemmer får en nummereret hylde i baglokalet til ler og ufærdige ting.",
    ),
    _faq(
        "guest-pass",
        "Må jeg tage en ven med i værkstedet?",
        "Medlemmer må tage én gæst med om måneden; registrer gæsten i receptionen.",
    ),
]

DUTCH = [
    _faq(
        "kiln-booking",
        "Hoe reserveer ik tijd in de oven?",
        "Boek een stookbeurt in de studioagenda onder Oven; tijden gaan twee weken vooraf open.",
    ),
    _faq(
        "clay-storage",
        "Waar kan ik mijn klei bewaren tussen de lessen?",
        "Elk lid krijgt een genummerde plank in de achterkamer voor klei en onaf werk.",
    ),
    _faq(
        "guest-pass",
        "Mag ik een vriend meenemen naar het atelier?",
        "Leden mogen één gast per maand meenemen; meld de gast aan bij de balie.",
    ),
]

CHINESE = [
    _faq("kiln-booking", "怎么预约窑炉的时间？", "在工作室日历的窑炉栏目里预约烧制时段，时段提前两周开放。"),
    _faq(
        "clay-storage",
        "课程之间我的陶土可以放在哪里？",
        "每位会员在后面的房间都有一个编号的架子，用来存放陶土和未完成的作品。",
    ),
    _faq("guest-pass", "可以带朋友来工作室吗？", "会员每个月可以带一位客人，请在前台登记。"),
    _faq("class-refund", "错过了一节课可以退钱吗？", "错过的课程不退款，但可以在开课前二十四小时改到其他日期。"),
]
