//! Labelled sets to check the algorithm against and to time it: Polish comments of a
//! consultation (form-letter campaigns copied with edits, the same points made in other
//! words, unrelated comments) and vote matrices with planted opinion groups.
//!
//! The labels are the truth by construction: copies of one campaign letter are
//! near-duplicates of each other; a campaign and every comment written on a topic share that
//! topic; an unrelated comment shares nothing.

use crate::opinion::{Vote, Votes};
use crate::rng::Rng;

/// A generated comment and what it truly is.
#[derive(Debug, Clone, PartialEq)]
pub struct Labelled {
    pub text: String,
    /// The campaign it copies (`None`: written on its own).
    pub campaign: Option<usize>,
    /// Its topic (`None`: unrelated to every other comment).
    pub topic: Option<usize>,
}

struct Topic {
    claims: &'static [&'static str],
    reasons: &'static [&'static str],
}

const TOPICS: &[Topic] = &[
    Topic {
        claims: &[
            "{Drzewa|Stare drzewa|Lipy i dęby|Wiekowe drzewa} w parku Jordana {muszą zostać|powinny zostać|mają zostać}, {nie zgadzam się|jestem przeciw|mówię nie} {na ich wycinkę|wycince|planom wycinki}.",
            "{Proszę|Bardzo proszę|Apeluję, żeby|Wnoszę, by} nie {wycinać|ścinać|usuwać} {starych|wiekowych|zdrowych} drzew w parku Jordana.",
            "Wycinka {drzew|lip|starodrzewu} w parku Jordana {byłaby błędem|to zły pomysł|byłaby stratą dla miasta}.",
            "{Stary drzewostan|Starodrzew|Zieleń} parku Jordana {trzeba chronić|należy chronić|musimy ocalić}, a nie {ciąć|wycinać|niszczyć}.",
            "Park Jordana bez {swoich drzew|starych drzew|tej zieleni} {straci całą wartość|nie będzie już parkiem|stanie się betonową pustynią}.",
        ],
        reasons: &[
            "Drzewa dają {cień|ochłodę|schronienie} w {czasie upałów|lipcowe upały|gorące dni}.",
            "W koronach drzew {gniazdują|mieszkają|żyją} {ptaki|sikorki i dzięcioły|wiewiórki i ptaki}.",
            "Zieleń {chroni nas przed|łagodzi|zatrzymuje} smog i hałas.",
            "Te drzewa rosły tam, zanim się {urodziłam|urodziłem|urodzili nasi rodzice}.",
            "Nowe sadzonki urosną {dopiero za trzydzieści lat|za kilka dekad|gdy nas już nie będzie}.",
            "To {płuca całej dzielnicy|zielone serce Krowodrzy|miejsce odpoczynku tysięcy ludzi}.",
        ],
    },
    Topic {
        claims: &[
            "Autobusy linii 152 {jeżdżą|kursują|przyjeżdżają} {za rzadko|zbyt rzadko|o wiele za rzadko}.",
            "{Potrzebne są|Konieczne są|Proszę o} częstsze kursy {autobusu|linii} 152.",
            "Linia 152 powinna {kursować|jeździć} co {dziesięć|piętnaście} minut, a nie co {pół godziny|czterdzieści minut}.",
            "{Proszę|Apeluję, by} zwiększyć częstotliwość {autobusów|kursów} 152 w {godzinach szczytu|porannym szczycie|godzinach dojazdów}.",
            "{Rano|W szczycie|O siódmej} do autobusu 152 nie da się wsiąść, jest {przepełniony|zapchany|nabity ludźmi}.",
        ],
        reasons: &[
            "{Dojeżdżam|Jeżdżę} nim codziennie do {pracy|szkoły|pracy w centrum}.",
            "Ludzie {przesiadają się|wracają} do samochodów, bo nie chcą {czekać|marznąć} na przystanku.",
            "{Uczniowie|Dzieci|Studenci} spóźniają się przez to na zajęcia.",
            "Na Ruczaju {przybyło|zamieszkało} tysiące {mieszkańców|nowych mieszkańców|rodzin}, a rozkład się nie zmienił.",
            "{Zimą|W listopadzie} czekanie pół godziny na {mrozie|deszczu|wietrze} to męka.",
            "Starsi ludzie nie mają innego dojazdu do {przychodni|szpitala|lekarza}.",
        ],
    },
    Topic {
        claims: &[
            "Na ulicy Kamiennej {potrzebna jest|brakuje|musi powstać} {wydzielona|bezpieczna|oddzielna} ścieżka rowerowa.",
            "{Proszę o budowę|Wnoszę o budowę|Czas na budowę} drogi rowerowej wzdłuż {Kamiennej|ulicy Kamiennej}.",
            "Rowerzyści na Kamiennej {muszą jeździć|jeżdżą} między samochodami, {potrzebny jest|przyda się} pas dla rowerów.",
            "Ścieżka rowerowa na Kamiennej {połączyłaby|spięłaby} dwie {istniejące trasy|trasy rowerowe}.",
        ],
        reasons: &[
            "{Codziennie|Na co dzień} dojeżdżam rowerem do pracy i {boję się o życie|ryzykuję zdrowie}.",
            "Dzieci mogłyby {same|bezpiecznie} dojeżdżać rowerem do szkoły.",
            "Mniej samochodów to {czystsze powietrze|mniej smogu|mniej korków}.",
            "W {innych miastach|Gdańsku i Warszawie} takie trasy są {standardem|normą}.",
            "Na chodniku rowery {przeszkadzają|zagrażają} pieszym.",
        ],
    },
    Topic {
        claims: &[
            "Strefa płatnego parkowania nie powinna {obejmować|wchodzić na} {Prądnika|Prądnik Biały|naszego osiedla}.",
            "Jestem {przeciw|przeciwna|przeciwny} {rozszerzeniu|poszerzeniu} strefy płatnego parkowania na {moją ulicę|Prądnik|nasze osiedle}.",
            "Opłaty za parkowanie {przed własnym domem|pod własnym blokiem} to {przesada|absurd|zdzierstwo}.",
            "Abonament mieszkańca w strefie parkowania jest {za drogi|zbyt drogi|nie do udźwignięcia}.",
        ],
        reasons: &[
            "Nie mam garażu i {muszę gdzieś zostawić auto|nie mam gdzie parkować}.",
            "Komunikacja miejska nie {dojeżdża|dociera} tam, gdzie {pracuję|pracujemy}.",
            "{Emeryci|Seniorzy|Rodziny} nie udźwigną kolejnej opłaty.",
            "Miejsc parkingowych i tak jest {za mało|zbyt mało}.",
            "{Goście|Rodzina|Opiekunki} nie będą mogli nas odwiedzać.",
        ],
    },
    Topic {
        claims: &[
            "Jestem za {całkowitym|pełnym} zakazem {fajerwerków|petard i fajerwerków} w Krakowie.",
            "{Petardy|Fajerwerki|Sztuczne ognie} w sylwestra {powinny być zakazane|trzeba zakazać|należy zakazać}.",
            "{Proszę|Apeluję, by} wprowadzić zakaz {odpalania|używania} fajerwerków w mieście.",
            "{Miejski pokaz|Pokaz laserowy|Jeden pokaz} zamiast prywatnych petard.",
            "Huk fajerwerków co roku jest {nie do zniesienia|koszmarem|nie do wytrzymania}.",
        ],
        reasons: &[
            "Mój pies co roku {trzęsie się ze strachu|chowa się pod łóżkiem|ucieka z domu}.",
            "Ptaki {giną w panice|uderzają w szyby|zrywają się do lotu w ciemności} po każdym sylwestrze.",
            "Dym z fajerwerków {pogarsza powietrze|truje powietrze|podnosi smog}.",
            "Co roku ktoś {traci palce|trafia do szpitala|zostaje ranny}.",
            "{Weterani|Małe dzieci|Osoby z autyzmem} źle znoszą huk.",
        ],
    },
    Topic {
        claims: &[
            "Trzeba {szybciej|pilnie} wymieniać piece {węglowe|kopciuchy}, bo smog nas {truje|dusi}.",
            "Smog w Krakowie to wciąż {problem|plaga}, {potrzebne są|konieczne są} kontrole palenisk.",
            "{Proszę o|Potrzeba} więcej dopłat do wymiany {starych|węglowych} pieców.",
            "Straż miejska powinna {częściej|regularnie} sprawdzać, czym ludzie palą.",
            "Zimą nie da się oddychać przez dym z {kominów|pieców|palenisk}.",
        ],
        reasons: &[
            "Moje dziecko {choruje na astmę|ciągle kaszle|ma alergię}.",
            "Czujniki jakości powietrza pokazują {przekroczenia norm|fatalne wyniki}.",
            "Sąsiedzi palą {śmieciami|plastikiem|czym popadnie} w nocy.",
            "Zdrowie jest {ważniejsze niż koszty|bezcenne}.",
            "Turyści {omijają miasto|nie przyjeżdżają} w sezonie grzewczym.",
        ],
    },
    Topic {
        claims: &[
            "Na osiedlu {brakuje|nie ma} placu zabaw dla {dzieci|najmłodszych}.",
            "{Proszę o nowy|Potrzebny jest nowy|Wnoszę o} plac zabaw przy ulicy Wiślickiej.",
            "Stary plac zabaw jest {zniszczony|zdewastowany}, {huśtawki są połamane|zjeżdżalnia się rozpada}.",
            "Dzieci nie mają gdzie się bawić, {potrzebny jest|przyda się} plac zabaw.",
            "Plac zabaw powinien mieć {bezpieczną nawierzchnię|miękkie podłoże} i ogrodzenie.",
        ],
        reasons: &[
            "Na osiedlu mieszka {kilkaset|wiele} rodzin z małymi dziećmi.",
            "Najbliższy plac jest {dwa kilometry dalej|za ruchliwą ulicą}.",
            "Dzieci bawią się teraz {na parkingu|między samochodami}.",
            "Rodzice mogliby się tam {poznać|spotykać}.",
            "Połamane urządzenia są {groźne|niebezpieczne}.",
        ],
    },
    Topic {
        claims: &[
            "Hałas z {lokali|barów|klubów} na Kazimierzu nie pozwala {spać|zasnąć}.",
            "{Proszę o ograniczenie|Trzeba ograniczyć} godzin otwarcia {barów|lokali} na Kazimierzu.",
            "Nocne imprezy pod oknami to {koszmar|udręka} mieszkańców Kazimierza.",
            "Straż miejska powinna {reagować|interweniować} na nocny hałas przy placu Nowym.",
            "Kazimierz stał się {głośny jak nigdy|nie do życia}, mieszkańcy nie mogą {wypocząć|się wyspać}.",
        ],
        reasons: &[
            "Rano muszę wstać do {pracy|szkoły}.",
            "Pijani turyści krzyczą do {czwartej|piątej} nad ranem.",
            "Mieszkańcy {wyprowadzają się|uciekają} z dzielnicy.",
            "Zgłoszenia na policję {nic nie dają|są ignorowane}.",
            "{Dzieci|Niemowlęta} budzą się w nocy.",
        ],
    },
    Topic {
        claims: &[
            "Tramwaj do Mistrzejowic powinien powstać {jak najszybciej|bez zwłoki}.",
            "{Proszę przyspieszyć|Trzeba przyspieszyć} budowę linii tramwajowej na Mistrzejowice.",
            "Linia tramwajowa do Mistrzejowic jest {obiecywana od lat|wiecznie odkładana}.",
            "Mieszkańcy Mistrzejowic {potrzebują|czekają na} {szybkiego tramwaju|szybki tramwaj} do centrum.",
        ],
        reasons: &[
            "Autobusy stoją w korkach na {alei Jana Pawła|Jana Pawła II}.",
            "Osiedle się {rozrasta|rozbudowuje}, a dojazdu nie przybywa.",
            "Tramwaj jest {szybszy i ekologiczny|szybki i czysty}.",
            "Dojazd do centrum zajmuje {godzinę|ponad godzinę}.",
            "Pieniądze {z Unii|unijne} mogą przepaść.",
        ],
    },
    Topic {
        claims: &[
            "Na Rynku {brakuje|nie ma} ławek w cieniu.",
            "{Proszę postawić|Trzeba postawić} więcej ławek i posadzić drzewa na placu Szczepańskim.",
            "Rynek latem to {patelnia|rozgrzana patelnia}, potrzebna jest zieleń i cień.",
            "{Starsi ludzie|Seniorzy} nie mają gdzie usiąść na Rynku.",
        ],
        reasons: &[
            "W lipcu kamienne płyty nagrzewają się do {pięćdziesięciu|czterdziestu} stopni.",
            "Bez ławek {seniorzy|starsi} nie wychodzą z domu.",
            "{Ogródki|Ogródki piwne} zajmują całą przestrzeń.",
            "Drzewa obniżają temperaturę o {kilka stopni|parę stopni}.",
            "Miasto jest dla {ludzi|mieszkańców}, nie tylko dla turystów.",
        ],
    },
    Topic {
        claims: &[
            "{Potrzebny jest|Brakuje} ogrodzony wybieg dla psów na Bieżanowie.",
            "{Proszę o|Wnoszę o} wybieg dla psów w parku Bieżanowskim.",
            "{Psiarze|Właściciele psów} nie mają gdzie spuścić psa ze smyczy, {potrzebny jest|przyda się} wybieg.",
            "W dzielnicy są {tysiące|setki} psów, a nie ma {żadnego|ani jednego} wybiegu.",
        ],
        reasons: &[
            "Psy muszą się {wybiegać|wyszaleć}.",
            "Rodzice z dziećmi boją się psów bez smyczy.",
            "Trawniki byłyby {czystsze|zadbane}.",
            "Właściciele psów płacą {podatek|opłatę} od psa.",
            "Wybieg nie kosztuje {dużo|wiele}.",
        ],
    },
    Topic {
        claims: &[
            "Ulica Lipowa jest {nieoświetlona|ciemna}, {potrzebne są|brakuje} latarnie.",
            "{Proszę o|Wnoszę o} nowe oświetlenie na ulicy Lipowej.",
            "{Wieczorem|Po zmroku} na Lipowej jest zupełnie ciemno.",
            "Brak latarni na Lipowej {zagraża pieszym|jest niebezpieczny}.",
        ],
        reasons: &[
            "{Zimą|W grudniu} o {piątej|szesnastej} jest już ciemno.",
            "{Kobiety|Dziewczyny} boją się tamtędy wracać.",
            "Kierowcy nie widzą pieszych.",
            "Doszło tam już do {potrącenia|wypadku}.",
            "Lampy LED są {tanie|oszczędne} w utrzymaniu.",
        ],
    },
];

/// A template with `{a|b|c}` alternatives filled in at random.
fn expand(template: &str, rng: &mut Rng) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            return out;
        };
        let options: Vec<&str> = after[..close].split('|').collect();
        out.push_str(rng.pick(&options));
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

const OPENINGS: &[&str] = &[
    "",
    "",
    "",
    "Uważam, że ",
    "Moim zdaniem ",
    "Jako mieszkanka dzielnicy piszę, że ",
    "Chciałbym zwrócić uwagę, że ",
    "Krótko: ",
];

const PERSONAL: &[&str] = &[
    "Mieszkam tu od dwudziestu lat.",
    "Mam troje dzieci.",
    "Jestem emerytką.",
    "Pracuję w Nowej Hucie.",
    "Często o tym rozmawiamy z sąsiadami.",
    "Piszę w imieniu całej rodziny.",
    "Liczę na poważne potraktowanie tej uwagi.",
    "Od lat nic się w tej sprawie nie zmienia.",
];

const GREETINGS: &[&str] = &[
    "Dzień dobry,",
    "Szanowni Państwo,",
    "Szanowny Panie Prezydencie,",
    "Witam,",
    "Dzień dobry!",
];

const CLOSINGS: &[&str] = &[
    "Z poważaniem",
    "Pozdrawiam",
    "Z wyrazami szacunku",
    "Pozdrawiam serdecznie",
];

const FIRST_NAMES: &[&str] = &[
    "Anna",
    "Jan",
    "Maria",
    "Piotr",
    "Katarzyna",
    "Tomasz",
    "Agnieszka",
    "Paweł",
    "Ewa",
    "Michał",
    "Zofia",
    "Krzysztof",
    "Małgorzata",
    "Andrzej",
    "Joanna",
];

const SURNAMES: &[&str] = &[
    "Nowak",
    "Kowalska",
    "Wiśniewski",
    "Wójcik",
    "Kowalczyk",
    "Kamińska",
    "Lewandowski",
    "Zielińska",
    "Szymański",
    "Woźniak",
    "Dąbrowska",
    "Kozłowski",
    "Jankowska",
    "Mazur",
];

/// Words for unrelated comments: each such comment is a random mix, sharing no point.
const MISC: &[&str] = &[
    "kiedy",
    "skończy",
    "remont",
    "basenu",
    "biblioteka",
    "godziny",
    "otwarcia",
    "koncert",
    "muzeum",
    "kawiarnia",
    "urząd",
    "formularz",
    "wniosek",
    "podatek",
    "śmieci",
    "segregacja",
    "kosz",
    "chodnik",
    "dziura",
    "krawężnik",
    "schody",
    "winda",
    "dworzec",
    "lotnisko",
    "pociąg",
    "stadion",
    "boisko",
    "szkoła",
    "przedszkole",
    "żłobek",
    "apteka",
    "szpital",
    "poczta",
    "targ",
    "kwiaty",
    "fontanna",
    "pomnik",
    "mural",
    "graffiti",
    "rzeka",
    "bulwary",
    "most",
    "kładka",
    "festiwal",
    "kino",
    "teatr",
    "zoo",
    "las",
    "ogród",
    "działki",
    "cmentarz",
    "kościół",
    "hala",
    "sklep",
    "wifi",
    "aplikacja",
    "strona",
    "internetowa",
    "telefon",
    "infolinia",
    "rejestracja",
    "paszport",
    "dowód",
    "mandat",
    "straż",
    "pożarna",
    "ratownik",
];

/// How a generated set is made up.
#[derive(Debug, Clone)]
pub struct CommentSetOptions {
    pub comments: usize,
    /// Share of comments that copy a campaign letter.
    pub campaign_share: f64,
    /// Share of unrelated comments (the rest are the topics' points in other words).
    pub unrelated_share: f64,
    /// How many campaigns.
    pub campaigns: usize,
    pub seed: u64,
}

impl Default for CommentSetOptions {
    fn default() -> Self {
        Self {
            comments: 3000,
            campaign_share: 0.45,
            unrelated_share: 0.08,
            campaigns: 10,
            seed: 1,
        }
    }
}

struct Campaign {
    topic: usize,
    sentences: Vec<String>,
}

fn campaign(topic: usize, rng: &mut Rng) -> Campaign {
    let t = &TOPICS[topic];
    let claim = rng.pick(t.claims);
    let mut sentences = vec![expand(claim, rng)];
    let mut reasons: Vec<&str> = t.reasons.to_vec();
    rng.shuffle(&mut reasons);
    for r in reasons.iter().take(2 + rng.below(2)) {
        sentences.push(expand(r, rng));
    }
    sentences.push(rng.pick(PERSONAL).to_string());
    sentences.push(format!(
        "Apeluję do władz miasta o {} decyzji w tej sprawie.",
        rng.pick(&[
            "pilne podjęcie",
            "szybkie podjęcie",
            "rozważne podjęcie",
            "przemyślenie"
        ])
    ));
    Campaign { topic, sentences }
}

fn typo(text: &str, rng: &mut Rng) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    if chars.len() < 4 {
        return text.to_string();
    }
    let i = 1 + rng.below(chars.len() - 2);
    match rng.below(3) {
        0 => chars.swap(i, i + 1),
        1 => {
            chars.remove(i);
        }
        _ => chars.insert(i, chars[i]),
    }
    chars.into_iter().collect()
}

fn strip_diacritics(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            'ą' => 'a',
            'ć' => 'c',
            'ę' => 'e',
            'ł' => 'l',
            'ń' => 'n',
            'ó' => 'o',
            'ś' => 's',
            'ź' | 'ż' => 'z',
            'Ą' => 'A',
            'Ć' => 'C',
            'Ę' => 'E',
            'Ł' => 'L',
            'Ń' => 'N',
            'Ó' => 'O',
            'Ś' => 'S',
            'Ź' | 'Ż' => 'Z',
            c => c,
        })
        .collect()
}

fn signature(rng: &mut Rng) -> String {
    let mut s = format!("{} {}", rng.pick(FIRST_NAMES), rng.pick(SURNAMES));
    if rng.chance(0.3) {
        s.push_str(&format!(
            ", ul. {} {}",
            rng.pick(&["Długa", "Krótka", "Lipowa", "Wielicka", "Dietla"]),
            1 + rng.below(120)
        ));
    }
    s
}

/// A copy of a campaign letter with the edits people make: a greeting and a signature,
/// typos, Polish letters lost, a sentence dropped or one of their own added, shouting.
fn copy(c: &Campaign, rng: &mut Rng) -> String {
    let mut sentences = c.sentences.clone();
    if rng.chance(0.2) && sentences.len() > 3 {
        let i = 1 + rng.below(sentences.len() - 1);
        sentences.remove(i);
    }
    if rng.chance(0.25) {
        sentences.push(rng.pick(PERSONAL).to_string());
    }
    let mut body = sentences.join(" ");
    for _ in 0..rng.below(4) {
        body = typo(&body, rng);
    }
    if rng.chance(0.3) {
        body = strip_diacritics(&body);
    }
    if rng.chance(0.05) {
        body = body.to_uppercase();
    }
    let mut out = String::new();
    if rng.chance(0.6) {
        out.push_str(rng.pick(GREETINGS));
        out.push(if rng.chance(0.5) { '\n' } else { ' ' });
    }
    out.push_str(&body);
    if rng.chance(0.6) {
        out.push_str(&format!("\n{},\n{}", rng.pick(CLOSINGS), signature(rng)));
    }
    out
}

/// A topic's point made in the author's own words.
fn paraphrase(topic: usize, rng: &mut Rng) -> String {
    let t = &TOPICS[topic];
    let mut out = String::new();
    if rng.chance(0.2) {
        out.push_str(rng.pick(GREETINGS));
        out.push(' ');
    }
    let opening = rng.pick(OPENINGS);
    let claim = expand(rng.pick(t.claims), rng);
    if opening.is_empty() {
        out.push_str(&claim);
    } else {
        out.push_str(opening);
        let mut chars = claim.chars();
        if let Some(first) = chars.next() {
            out.extend(first.to_lowercase());
            out.push_str(chars.as_str());
        }
    }
    let mut reasons: Vec<&str> = t.reasons.to_vec();
    rng.shuffle(&mut reasons);
    for r in reasons.iter().take(rng.below(3)) {
        out.push(' ');
        out.push_str(&expand(r, rng));
    }
    if rng.chance(0.4) {
        out.push(' ');
        out.push_str(rng.pick(PERSONAL));
    }
    if rng.chance(0.2) {
        out = strip_diacritics(&out);
    }
    out
}

fn unrelated(rng: &mut Rng) -> String {
    let n = 6 + rng.below(10);
    let words: Vec<&str> = (0..n).map(|_| rng.pick(MISC)).collect();
    let mut s = words.join(" ");
    if let Some(first) = s.get(..1) {
        s = first.to_uppercase() + &s[1..];
    }
    s.push('?');
    s
}

/// A labelled set of comments, shuffled.
pub fn comments(options: &CommentSetOptions) -> Vec<Labelled> {
    let mut rng = Rng::new(options.seed);
    let n = options.comments;
    let n_campaign = (n as f64 * options.campaign_share).round() as usize;
    let n_unrelated = (n as f64 * options.unrelated_share).round() as usize;
    let n_paraphrase = n.saturating_sub(n_campaign + n_unrelated);
    let campaigns: Vec<Campaign> = (0..options.campaigns.max(1))
        .map(|i| campaign(i % TOPICS.len(), &mut rng))
        .collect();
    // Campaign sizes vary: some are many times larger than others.
    let weights: Vec<f64> = (0..campaigns.len())
        .map(|i| 1.0 / (1.0 + i as f64 * 0.5))
        .collect();
    let total: f64 = weights.iter().sum();
    let mut out = Vec::with_capacity(n);
    let mut made = 0;
    for (i, w) in weights.iter().enumerate() {
        let size = if i + 1 == campaigns.len() {
            n_campaign - made
        } else {
            ((n_campaign as f64 * w / total).round() as usize).min(n_campaign - made)
        };
        made += size;
        for _ in 0..size {
            out.push(Labelled {
                text: copy(&campaigns[i], &mut rng),
                campaign: Some(i),
                topic: Some(campaigns[i].topic),
            });
        }
    }
    for _ in 0..n_paraphrase {
        let topic = rng.below(TOPICS.len());
        out.push(Labelled {
            text: paraphrase(topic, &mut rng),
            campaign: None,
            topic: Some(topic),
        });
    }
    for _ in 0..n_unrelated {
        out.push(Labelled {
            text: unrelated(&mut rng),
            campaign: None,
            topic: None,
        });
    }
    // Two residents who wrote the very same words (once courtesies, case and accents are
    // set aside) have sent duplicates, whatever the generator meant: label them so.
    let mut same: std::collections::HashMap<String, Vec<usize>> = std::collections::HashMap::new();
    for (i, c) in out.iter().enumerate() {
        if c.campaign.is_none() {
            same.entry(crate::text::normalise(&c.text))
                .or_default()
                .push(i);
        }
    }
    let mut groups: Vec<Vec<usize>> = same.into_values().filter(|v| v.len() > 1).collect();
    groups.sort_unstable();
    for (label, members) in (campaigns.len()..).zip(groups) {
        for i in members {
            out[i].campaign = Some(label);
        }
    }
    rng.shuffle(&mut out);
    out
}

/// How a generated vote matrix is made up.
#[derive(Debug, Clone)]
pub struct VoteSetOptions {
    pub participants: usize,
    pub statements: usize,
    /// Each participant votes on about this many statements.
    pub votes_each: usize,
    /// Planted opinion groups.
    pub groups: usize,
    /// How often a participant votes against their group's view.
    pub noise: f64,
    pub seed: u64,
}

impl Default for VoteSetOptions {
    fn default() -> Self {
        Self {
            participants: 600,
            statements: 60,
            votes_each: 25,
            groups: 3,
            noise: 0.1,
            seed: 1,
        }
    }
}

/// Votes with planted opinion groups, and each participant's group. As in real
/// conversations, opinions lie along a few axes: each statement points in a direction of the
/// plane, each group sits at its own angle, and a group agrees with the statements pointing
/// its way; some statements all groups share.
pub fn votes(options: &VoteSetOptions) -> (Votes, Vec<usize>) {
    let mut rng = Rng::new(options.seed);
    let groups = options.groups.max(1);
    let directions: Vec<f64> = (0..options.statements)
        .map(|_| rng.next_f64() * std::f64::consts::TAU)
        .collect();
    let views: Vec<Vec<Vote>> = (0..groups)
        .map(|g| {
            let angle = std::f64::consts::TAU * g as f64 / groups as f64;
            directions
                .iter()
                .map(|d| {
                    if (d - angle).cos() > 0.0 {
                        Vote::Agree
                    } else {
                        Vote::Disagree
                    }
                })
                .collect()
        })
        .collect();
    let shared: Vec<bool> = (0..options.statements).map(|_| rng.chance(0.15)).collect();
    let mut votes = Votes::with_size(options.participants, options.statements);
    let mut truth = Vec::with_capacity(options.participants);
    let mut order: Vec<usize> = (0..options.statements).collect();
    let mut casts: Vec<(usize, usize, Vote)> = Vec::new();
    for p in 0..options.participants {
        let g = rng.below(views.len());
        truth.push(g);
        rng.shuffle(&mut order);
        let k = (options.votes_each / 2 + rng.below(options.votes_each + 1))
            .clamp(1, options.statements);
        for &s in &order[..k] {
            let view = if shared[s] { views[0][s] } else { views[g][s] };
            let vote = if rng.chance(0.1) {
                Vote::Pass
            } else if rng.chance(options.noise) {
                match view {
                    Vote::Agree => Vote::Disagree,
                    _ => Vote::Agree,
                }
            } else {
                view
            };
            casts.push((p, s, vote));
        }
    }
    // Votes arrive interleaved, as in a live conversation.
    rng.shuffle(&mut casts);
    for (p, s, v) in casts {
        votes.record(p, s, v);
    }
    (votes, truth)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_set_has_every_kind_in_its_shares_and_is_reproducible() {
        let o = CommentSetOptions {
            comments: 1000,
            ..CommentSetOptions::default()
        };
        let a = comments(&o);
        assert_eq!(a.len(), 1000);
        assert_eq!(a, comments(&o));
        let campaign = a
            .iter()
            .filter(|c| c.campaign.is_some_and(|k| k < 10))
            .count();
        let unrelated = a.iter().filter(|c| c.topic.is_none()).count();
        assert_eq!(campaign, 450);
        assert_eq!(unrelated, 80);
        assert!(a.iter().all(|c| !c.text.trim().is_empty()));
        assert!(
            !a.iter()
                .any(|c| c.text.contains('{') || c.text.contains('|'))
        );
        assert_ne!(a, comments(&CommentSetOptions { seed: 2, ..o }));
    }

    #[test]
    fn planted_votes_have_the_size_asked() {
        let (v, truth) = votes(&VoteSetOptions::default());
        assert_eq!(truth.len(), 600);
        assert_eq!(v.participants(), 600);
        assert!(v.len() > 600 * 12, "{}", v.len());
    }
}
