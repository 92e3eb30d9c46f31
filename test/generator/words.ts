/** Word lists for the demo consortium, written for it (no downloaded data). */

export const ADJECTIVES = [
  "silent", "hidden", "golden", "broken", "northern", "forgotten", "quiet", "restless", "distant", "burning",
  "secret", "crimson", "endless", "wild", "hollow", "bright", "last", "early", "frozen", "wandering",
  "modern", "ancient", "invisible", "radiant", "bitter", "gentle", "curious", "lonely", "open", "winter",
] as const;

export const NOUNS = [
  "river", "garden", "harbour", "city", "mountain", "archive", "lantern", "orchard", "island", "kingdom",
  "library", "forest", "machine", "mirror", "bridge", "compass", "village", "tide", "voyage", "house",
  "letter", "map", "season", "storm", "engine", "clock", "shadow", "field", "signal", "atlas",
  "market", "frontier", "cathedral", "workshop", "colony", "republic", "railway", "coastline", "valley", "observatory",
] as const;

export const TOPICS = [
  "urban planning", "climate change", "medieval trade", "quantum computing", "folk music", "public health",
  "maritime history", "bird migration", "software design", "renaissance art", "soil science", "labour movements",
  "early childhood", "data privacy", "colonial archives", "river ecology", "industrial design", "food security",
  "linguistics", "astronomy", "cartography", "architecture", "economic history", "mythology",
] as const;

export const SUBTITLES = [
  "a novel", "a history", "an introduction", "a practical guide", "stories", "poems", "selected essays",
  "a memoir", "essays on {topic}", "{topic} in the twentieth century", "new perspectives on {topic}",
  "a field guide", "letters and diaries", "the untold story", "a study of {topic}",
] as const;

export const GERMAN_TITLES = [
  "Die stille Stadt", "Der verborgene Garten", "Geschichte der Seefahrt", "Das Archiv der Winde", "Am Fluss",
  "Die letzte Reise", "Briefe aus dem Norden", "Das goldene Zeitalter", "Die Brücke am Morgen", "Der Leuchtturm",
] as const;

export const FRENCH_TITLES = [
  "La ville silencieuse", "Le jardin caché", "Histoire de la marine", "Les archives du vent", "Au bord du fleuve",
  "Le dernier voyage", "Lettres du nord", "L'âge d'or", "Le pont du matin", "La maison des saisons",
] as const;

export const SPANISH_TITLES = [
  "La ciudad silenciosa", "El jardín escondido", "Historia de la navegación", "El archivo del viento",
  "A orillas del río", "El último viaje", "Cartas del norte", "La edad de oro", "El puente de la mañana",
] as const;

export const FIRST_NAMES = [
  "Ada", "Bruno", "Clara", "Dmitri", "Elena", "Farid", "Greta", "Hugo", "Ines", "Jonas", "Keiko", "Lars",
  "Maya", "Nikolai", "Olga", "Pedro", "Quinn", "Rosa", "Samuel", "Tomas", "Ursula", "Viktor", "Wen", "Yara",
  "Zoe", "Amara", "Benedikt", "Chloé", "Dario", "Emil", "Fatima", "Gustav", "Hannah", "Ivan", "Julia", "Kofi",
  "Lucía", "Mateo", "Nadia", "Oskar", "Priya", "Rafael", "Sofia", "Theo", "Valentina", "William", "Xavier",
] as const;

export const SURNAMES = [
  "Abernathy", "Brandt", "Castellanos", "Dubois", "Eriksen", "Fischer", "Gallagher", "Hargreaves", "Ibarra",
  "Jansen", "Kowalski", "Lindqvist", "Moreau", "Nakamura", "Okafor", "Petrov", "Quintero", "Rossi", "Schmidt",
  "Thornton", "Underwood", "Vasquez", "Whitfield", "Yamamoto", "Zimmermann", "Alvarez", "Becker", "Chen",
  "Delacroix", "Esposito", "Fairbanks", "García", "Holloway", "Ivanova", "Jäger", "Kaminski", "Lefèvre",
  "Müller", "Novak", "O'Brien", "Pereira", "Ramírez", "Sørensen", "Tanaka", "Voss", "Wright",
] as const;

export const SUBJECTS = [
  "Cities and towns", "Climatic changes", "Commerce", "Computer programming", "Folk music", "Public health",
  "Navigation", "Birds", "Software engineering", "Art, Renaissance", "Soils", "Labor movement", "Child development",
  "Privacy, Right of", "Archives", "Stream ecology", "Industrial design", "Food supply", "Linguistics", "Astronomy",
  "Cartography", "Architecture", "Economic history", "Mythology", "Families", "Friendship", "Islands", "Rivers",
] as const;

export const SUBDIVISIONS = ["History", "Social aspects", "Fiction", "Juvenile literature", "Case studies", "Research"] as const;

export const PLACES = [
  "Europe", "Scandinavia", "France", "Germany", "Spain", "Great Britain", "United States", "Canada", "Japan",
  "Mediterranean Region", "Arctic regions", "Mexico", "Brazil", "West Africa", "India", "Australia",
] as const;

export const CENTURIES = ["18th century", "19th century", "20th century", "21st century"] as const;

export const PUBLISHERS = [
  "Harbour Lane Press", "Northlight Books", "Cobblestone Publishing", "Meridian House", "Juniper & Finch",
  "Old Quay Press", "Blue Heron Editions", "Tallow Street Books", "Granite Peak Publishers", "Lantern Hill",
  "Riverbend University Press", "Stonegate Academic", "Kestrel Publishing", "Ashgrove & Sons", "Fieldstone Press",
  "Verlag am See", "Éditions du Quai", "Ediciones Faro",
] as const;

export const PUBLICATION_PLACES = [
  "London", "New York", "Toronto", "Chicago", "Boston", "Edinburgh", "Sydney", "Berlin", "Paris", "Madrid",
  "Oxford", "San Francisco", "Dublin", "Vancouver",
] as const;

export const SERIES = [
  "Studies in urban history", "Northlight classics", "Field guides", "New directions in science",
  "Pocket philosophy", "World literature in translation", "Readers' library", "Technical handbooks",
  "Maritime monographs", "Heritage series",
] as const;

export const JOURNAL_TOPICS = [
  "Urban Studies", "Applied Ecology", "Maritime History", "Computing Practice", "Library Science", "Regional Economics",
  "Folk Music Research", "Public Health Policy", "Cartographic Review", "Material Culture",
] as const;
