//! Word pools for synthetic books: company names, people, industries, and
//! note templates. Only words; no randomness and no I/O here.

pub const CSMS: [&str; 30] = [
    "Maya Okafor",
    "Jonas Lindqvist",
    "Priya Raman",
    "Tom Becker",
    "Lucia Ferreira",
    "Daniel Kim",
    "Hannah Schulz",
    "Omar Haddad",
    "Chloe Martin",
    "Ravi Shah",
    "Ingrid Solberg",
    "Mateo Rossi",
    "Aisha Bello",
    "Felix Wagner",
    "Emma Dubois",
    "Kenji Watanabe",
    "Sara Nilsson",
    "Lukas Novak",
    "Grace Mensah",
    "Pablo Ortega",
    "Nina Petrova",
    "Leo Fischer",
    "Zoe Clarke",
    "Arjun Mehta",
    "Elif Demir",
    "Noah Jensen",
    "Clara Moreau",
    "Ivan Horvat",
    "Amara Nwosu",
    "Ben Carter",
];

pub const AMS: [&str; 15] = [
    "Rachel Stone",
    "Marcus Webb",
    "Julia Brandt",
    "Victor Alves",
    "Sophie Laurent",
    "Ethan Brooks",
    "Yara Khalil",
    "Oscar Lund",
    "Mia Hoffmann",
    "David Cohen",
    "Lena Vogel",
    "Samuel Osei",
    "Paula Weiss",
    "Hugo Petit",
    "Tara Quinn",
];

pub const NAME_FIRST: [&str; 40] = [
    "Northwind",
    "Bluefield",
    "Harbor",
    "Crescent",
    "Summit",
    "Ironwood",
    "Redpine",
    "Silverline",
    "Oakridge",
    "Brightwater",
    "Granite",
    "Meridian",
    "Pioneer",
    "Keystone",
    "Lakeside",
    "Evergreen",
    "Copperleaf",
    "Falcon",
    "Riverbend",
    "Westgate",
    "Aurora",
    "Beacon",
    "Cobalt",
    "Driftwood",
    "Everline",
    "Foxglove",
    "Goldcrest",
    "Highland",
    "Juniper",
    "Kingsway",
    "Larch",
    "Maple",
    "Nordic",
    "Orchard",
    "Pinnacle",
    "Quarry",
    "Rosewood",
    "Stonebridge",
    "Tidewater",
    "Vantage",
];

pub const NAME_SECOND: [&str; 24] = [
    "Logistics",
    "Health",
    "Foods",
    "Bank",
    "Energy",
    "Retail",
    "Insurance",
    "Manufacturing",
    "Media",
    "Labs",
    "Freight",
    "Pharma",
    "Telecom",
    "Hotels",
    "Software",
    "Engineering",
    "Capital",
    "Analytics",
    "Motors",
    "Textiles",
    "Water",
    "Airlines",
    "Studios",
    "Partners",
];

pub const NAME_SUFFIX: [&str; 6] = ["Inc", "Ltd", "GmbH", "Group", "SA", "AB"];

pub const INDUSTRIES: [&str; 10] = [
    "Logistics",
    "Healthcare",
    "Retail",
    "Financial Services",
    "Manufacturing",
    "Energy",
    "Media",
    "Software",
    "Public Sector",
    "Education",
];

pub const REGIONS: [&str; 5] = ["EMEA North", "EMEA South", "DACH", "North America", "APAC"];

/// Products in the order an account usually buys them, with the yearly price
/// range per unit in whole currency units.
pub const PRODUCTS: [(&str, i64, i64); 4] =
    [("Core", 400, 1200), ("Analytics", 150, 500), ("Workflow", 200, 600), ("Connect", 100, 300)];

/// Details that follow a short note until it reads like a real one.
pub const NOTE_DETAILS: [&str; 8] = [
    "Next step agreed for the coming week.",
    "Shared the notes with the account team.",
    "Follow-up booked with their IT lead.",
    "They asked for the slides afterwards.",
    "Logged the open questions in the tracker.",
    "Champion will confirm budget by Friday.",
    "Two new users joined the call this time.",
    "Sent a short recap by email the same day.",
];

/// Note templates per kind; `{p}` is replaced by the product.
pub const CALL_NOTES: [&str; 6] = [
    "Weekly check-in: rollout of {p} on track, two teams still to onboard.",
    "Call with the champion: usage of {p} up since the last release, asked about SSO.",
    "Renewal prep call: budget confirmed, procurement wants a three-year quote.",
    "Call: admin left, new admin needs a {p} walkthrough next week.",
    "Check-in: reporting dashboards finally in use by the regional managers.",
    "Call: they want to pause the second department until Q3 budgets are set.",
];
pub const EMAIL_NOTES: [&str; 4] = [
    "Sent the usage report and the {p} release notes; champion forwarded them to IT.",
    "Emailed the renewal quote; awaiting sign-off from finance.",
    "Followed up on the open integration ticket, shared the workaround.",
    "Sent the onboarding plan for the new department.",
];
pub const MEETING_NOTES: [&str; 3] = [
    "Onsite workshop: mapped the approval process into {p}.",
    "Kick-off with the project team; go-live target agreed.",
    "Executive sponsor meeting: wants a business case for the wider rollout.",
];
pub const QBR_NOTES: [&str; 3] = [
    "QBR went well: cycle time down, they want to present it internally.",
    "QBR: adoption flat in two regions, agreed a training plan.",
    "QBR: CFO joined, asked for a cost-per-user comparison.",
];
pub const PLAIN_NOTES: [&str; 3] = [
    "Champion mentioned a reorg in their team; keep an eye on it.",
    "Asked to be a reference for a prospect in their industry.",
    "Invoice dispute resolved by finance.",
];
pub const SPONSOR_NOTES: [&str; 2] = [
    "Executive sponsor left the company; successor not yet named.",
    "New VP of operations replaces our sponsor; intro call requested.",
];
pub const SEVERE_NOTES: [&str; 2] = [
    "Severity 1 case: {p} sync down for six hours, customer escalated to their CIO.",
    "Severity 2 case: data export failing for a week, workaround in place.",
];
