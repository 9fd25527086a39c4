//! Which law an incident cites: the federal references of its category (the PPC, federal acts, the
//! Constitution) everywhere, a provincial statute only in its own province, and the child protection
//! act of the incident's own province where the category calls for one. References a caller adds are
//! kept, except another province's statute the taxonomy attaches to the category (an older list
//! echoed back would otherwise bring every province's act back).

use super::{category, province, PROVINCES};

/// Provincial statutes and the province or territory whose legislature made them (a statute not
/// listed here is federal and applies everywhere).
pub static PROVINCIAL_STATUTES: &[(&str, &str)] = &[
    (
        "ICT Child Marriage Restraint Act 2025",
        "Islamabad Capital Territory",
    ),
    (
        "ICT Child Protection Act 2018",
        "Islamabad Capital Territory",
    ),
    (
        "ICT Domestic Workers Act 2022",
        "Islamabad Capital Territory",
    ),
    (
        "ICT Prohibition of Corporal Punishment Act 2021",
        "Islamabad Capital Territory",
    ),
    (
        "ICT Rights of Persons with Disability Act 2020",
        "Islamabad Capital Territory",
    ),
    // An Act of Parliament, but made for the Capital Territory only (Article 25-A there).
    (
        "Right to Free and Compulsory Education Act 2012",
        "Islamabad Capital Territory",
    ),
    ("Punjab Destitute and Neglected Children Act 2004", "Punjab"),
    ("Punjab Domestic Workers Act 2019", "Punjab"),
    ("Punjab Free and Compulsory Education Act 2014", "Punjab"),
    (
        "Punjab Prohibition of Child Labour at Brick Kilns Act 2016",
        "Punjab",
    ),
    (
        "Punjab Restriction on Employment of Children Act 2016",
        "Punjab",
    ),
    ("Sindh Child Marriages Restraint Act 2013", "Sindh"),
    ("Sindh Child Protection Authority Act 2011", "Sindh"),
    ("Sindh Prohibition of Corporal Punishment Act 2016", "Sindh"),
    (
        "Sindh Prohibition of Employment of Children Act 2017",
        "Sindh",
    ),
    (
        "Sindh Right of Children to Free and Compulsory Education Act 2013",
        "Sindh",
    ),
    (
        "KP Child Protection and Welfare Act 2010",
        "Khyber Pakhtunkhwa",
    ),
    (
        "KP Free Compulsory Primary and Secondary Education Act 2017",
        "Khyber Pakhtunkhwa",
    ),
    (
        "KP Prohibition of Employment of Children Act 2015",
        "Khyber Pakhtunkhwa",
    ),
    ("Balochistan Child Protection Act 2016", "Balochistan"),
    ("Balochistan Compulsory Education Act 2014", "Balochistan"),
    (
        "Balochistan Employment of Children (Prohibition and Regulation) Act 2021",
        "Balochistan",
    ),
    (
        "Gilgit-Baltistan Child Protection and Welfare Act 2013",
        "Gilgit-Baltistan",
    ),
];

/// The province whose statute `reference` is; `None` for federal law (and for a reference the taxonomy
/// does not know, such as one a caller added).
pub fn jurisdiction(reference: &str) -> Option<&'static str> {
    PROVINCIAL_STATUTES
        .iter()
        .find(|(statute, _)| *statute == reference)
        .map(|(_, province)| *province)
}

/// The statutes of one province or territory, in taxonomy order.
pub fn statutes_of(province: &str) -> Vec<&'static str> {
    PROVINCIAL_STATUTES
        .iter()
        .filter(|(_, of)| *of == province)
        .map(|(statute, _)| *statute)
        .collect()
}

/// The references the taxonomy gives an incident of `category_code` in `province_name`: the
/// category's federal references and its statutes of that province, then that province's child
/// protection act if the category calls for one. Empty for an unknown category.
pub fn legal_references_for(category_code: &str, province_name: &str) -> Vec<&'static str> {
    let Some(category) = category(category_code) else {
        return Vec::new();
    };
    let mut references: Vec<&'static str> = category
        .legal_references
        .iter()
        .copied()
        .filter(|reference| jurisdiction(reference).is_none_or(|of| of == province_name))
        .collect();
    let own_act = province(province_name).and_then(|p| p.child_protection_act);
    if let Some(act) = own_act.filter(|_| category.cites_child_protection_act) {
        if !references.contains(&act) {
            references.push(act);
        }
    }
    references
}

/// Every reference the taxonomy attaches to `category_code` in some province: its references of every
/// jurisdiction, and every province's child protection act where the category calls for one. This is
/// what incidents were given before references followed the province, and what is the taxonomy's (not
/// a caller's addition) in a list a client sends back.
pub fn references_in_any_province(category_code: &str) -> Vec<&'static str> {
    let Some(category) = category(category_code) else {
        return Vec::new();
    };
    let mut references: Vec<&'static str> = category.legal_references.to_vec();
    if category.cites_child_protection_act {
        for act in PROVINCES.iter().filter_map(|p| p.child_protection_act) {
            if !references.contains(&act) {
                references.push(act);
            }
        }
    }
    references
}

/// An incident's references: what the taxonomy gives its category in its province, then the
/// references in `listed` that are not the taxonomy's for its category (nor for `previous_category`,
/// the one it had before an edit): the caller's own additions, in their order, without duplicates. A
/// client echoing an older list back (every province's act) so cites its own province's only, and a
/// change of category or province swaps the taxonomy's part and keeps the additions.
pub fn incident_legal_references(
    category_code: &str,
    province_name: &str,
    listed: &[String],
    previous_category: Option<&str>,
) -> Vec<String> {
    let mut the_taxonomys = references_in_any_province(category_code);
    if let Some(previous) = previous_category.filter(|previous| *previous != category_code) {
        the_taxonomys.extend(references_in_any_province(previous));
    }
    let mut references: Vec<String> = legal_references_for(category_code, province_name)
        .into_iter()
        .map(str::to_owned)
        .collect();
    for reference in listed {
        let reference = reference.trim();
        let addition = !reference.is_empty() && !the_taxonomys.contains(&reference);
        if addition && !references.iter().any(|r| r == reference) {
            references.push(reference.to_owned());
        }
    }
    references
}

#[cfg(test)]
mod tests {
    use super::super::{CATEGORIES, LEGAL_REFERENCES};
    use super::*;

    const CHILD_PROTECTION_ACTS: [&str; 5] = [
        "ICT Child Protection Act 2018",
        "KP Child Protection and Welfare Act 2010",
        "Punjab Destitute and Neglected Children Act 2004",
        "Sindh Child Protection Authority Act 2011",
        "Balochistan Child Protection Act 2016",
    ];

    #[test]
    fn a_punjab_sexual_abuse_incident_cites_the_punjab_act_and_no_other_provinces() {
        let references = legal_references_for("sexual_abuse", "Punjab");
        assert!(references.contains(&"Punjab Destitute and Neglected Children Act 2004"));
        assert!(references.contains(&"PPC 376"));
        assert!(references.contains(&"Anti-Rape (Investigation and Trial) Act 2021"));
        for reference in &references {
            assert!(
                jurisdiction(reference).is_none_or(|of| of == "Punjab"),
                "{reference} is another province's"
            );
        }
    }

    #[test]
    fn each_province_cites_its_own_child_protection_act() {
        let expected = [
            (
                "Punjab",
                Some("Punjab Destitute and Neglected Children Act 2004"),
            ),
            (
                "Khyber Pakhtunkhwa",
                Some("KP Child Protection and Welfare Act 2010"),
            ),
            ("Sindh", Some("Sindh Child Protection Authority Act 2011")),
            ("Balochistan", Some("Balochistan Child Protection Act 2016")),
            (
                "Islamabad Capital Territory",
                Some("ICT Child Protection Act 2018"),
            ),
            (
                "Gilgit-Baltistan",
                Some("Gilgit-Baltistan Child Protection and Welfare Act 2013"),
            ),
            ("Azad Jammu and Kashmir", None),
        ];
        for (name, act) in expected {
            let references = legal_references_for("neglect", name);
            let cited: Vec<&str> = references
                .iter()
                .copied()
                .filter(|r| jurisdiction(r).is_some())
                .collect();
            assert_eq!(cited, act.into_iter().collect::<Vec<_>>(), "{name}");
            assert!(references.contains(&"PPC 328-A"), "{name}");
        }
    }

    #[test]
    fn categories_without_the_act_do_not_gain_it() {
        let references = legal_references_for("online_harm", "Punjab");
        assert_eq!(references, ["PECA 2016"]);
        // Provincial statutes of the category other than the act still follow the province.
        let labour = legal_references_for("child_labour", "Sindh");
        assert!(labour.contains(&"Sindh Prohibition of Employment of Children Act 2017"));
        assert!(!labour.contains(&"Punjab Restriction on Employment of Children Act 2016"));
        assert!(legal_references_for("no_such_category", "Punjab").is_empty());
    }

    #[test]
    fn every_statute_named_after_a_province_has_that_jurisdiction() {
        let prefixes = [
            ("ICT ", "Islamabad Capital Territory"),
            ("Punjab ", "Punjab"),
            ("Sindh ", "Sindh"),
            ("KP ", "Khyber Pakhtunkhwa"),
            ("Balochistan ", "Balochistan"),
            ("Gilgit-Baltistan ", "Gilgit-Baltistan"),
        ];
        for reference in LEGAL_REFERENCES {
            for (prefix, name) in prefixes {
                if reference.starts_with(prefix) {
                    assert_eq!(jurisdiction(reference), Some(name), "{reference}");
                }
            }
        }
        for (statute, name) in PROVINCIAL_STATUTES {
            assert!(LEGAL_REFERENCES.contains(statute), "{statute} unknown");
            assert!(province(name).is_some(), "{name} is no province");
        }
        for p in PROVINCES {
            if let Some(act) = p.child_protection_act {
                assert_eq!(jurisdiction(act), Some(p.name));
            }
        }
    }

    #[test]
    fn categories_list_no_child_protection_act_of_their_own_but_where_it_is_specific() {
        // The acts live with the provinces; a category lists one only for a provision peculiar to
        // it (KP's ban on corporal punishment, Punjab's on child begging).
        for c in CATEGORIES {
            let listed: Vec<&str> = c
                .legal_references
                .iter()
                .copied()
                .filter(|r| CHILD_PROTECTION_ACTS.contains(r))
                .collect();
            assert!(listed.len() <= 1, "{} lists {listed:?}", c.code);
        }
    }

    #[test]
    fn any_province_lists_hold_every_provinces_act() {
        let all = references_in_any_province("sexual_abuse");
        for act in CHILD_PROTECTION_ACTS {
            assert!(all.contains(&act), "{act}");
        }
        assert_eq!(references_in_any_province("online_harm"), ["PECA 2016"]);
    }

    fn owned(list: &[&str]) -> Vec<String> {
        list.iter().map(|r| (*r).to_owned()).collect()
    }

    #[test]
    fn an_old_list_keeps_the_callers_additions_and_only_its_own_provinces_act() {
        let mut stored = owned(&references_in_any_province("sexual_abuse"));
        stored.extend(owned(&["Local by-law 7", "PPC 376", " Local by-law 7 "]));
        let next = incident_legal_references("sexual_abuse", "Punjab", &stored, None);
        let mut expected = owned(&legal_references_for("sexual_abuse", "Punjab"));
        expected.push("Local by-law 7".to_owned());
        assert_eq!(next, expected);
        // Correcting a corrected list changes nothing.
        assert_eq!(
            incident_legal_references("sexual_abuse", "Punjab", &next, Some("sexual_abuse")),
            next
        );
    }

    #[test]
    fn a_new_province_or_category_swaps_the_taxonomys_part_and_keeps_additions() {
        let mut stored = owned(&legal_references_for("sexual_abuse", "Punjab"));
        stored.push("Local by-law 7".to_owned());
        let sindh =
            incident_legal_references("sexual_abuse", "Sindh", &stored, Some("sexual_abuse"));
        assert!(sindh.contains(&"Sindh Child Protection Authority Act 2011".to_owned()));
        assert!(!sindh.contains(&"Punjab Destitute and Neglected Children Act 2004".to_owned()));
        assert_eq!(sindh.last().map(String::as_str), Some("Local by-law 7"));
        let harm =
            incident_legal_references("online_harm", "Punjab", &stored, Some("sexual_abuse"));
        assert_eq!(harm, owned(&["PECA 2016", "Local by-law 7"]));
    }
}
