//! Incident categories, sub-categories and the Pakistani legal references that apply to each.
//!
//! Legal references are short citation strings: "PPC" is the Pakistan Penal Code 1860
//! (as amended, notably by the Criminal Law (Amendment) Act 2016), "PECA 2016" is the
//! Prevention of Electronic Crimes Act 2016. Provincial statutes only apply in their own
//! province or territory; several are listed side by side where each province has its own, and
//! [`super::law::legal_references_for`] keeps only the incident's own province's.

/// A finer-grained classification within a [`Category`].
pub struct Subcategory {
    /// Stable `snake_case` identifier.
    pub code: &'static str,
    /// Human-readable English name.
    pub name: &'static str,
}

/// An incident category with its sub-categories and applicable legal references.
pub struct Category {
    /// Stable `snake_case` identifier.
    pub code: &'static str,
    /// Human-readable English name.
    pub name: &'static str,
    /// Sub-categories (may be empty).
    pub subcategories: &'static [Subcategory],
    /// Legal references that apply; every entry also appears in [`LEGAL_REFERENCES`]. Provincial
    /// statutes among them apply only to incidents in their own province (see [`super::law`]).
    pub legal_references: &'static [&'static str],
    /// Whether the child protection act of the incident's own province applies too (each province's
    /// act is kept with the province, not listed here, so no incident cites another province's).
    pub cites_child_protection_act: bool,
}

/// All incident categories, in a fixed order.
pub static CATEGORIES: &[Category] = &[
    Category {
        code: "sexual_abuse",
        name: "Sexual abuse",
        subcategories: &[
            Subcategory {
                code: "rape",
                name: "Rape",
            },
            Subcategory {
                code: "sodomy",
                name: "Sodomy",
            },
            Subcategory {
                code: "gang_rape",
                name: "Gang rape",
            },
            Subcategory {
                code: "gang_sodomy",
                name: "Gang sodomy",
            },
            Subcategory {
                code: "attempted",
                name: "Attempted sexual abuse",
            },
            Subcategory {
                code: "incest",
                name: "Incest",
            },
            Subcategory {
                code: "pornography",
                name: "Pornography",
            },
            Subcategory {
                code: "murder_after_abuse",
                name: "Murder after sexual abuse",
            },
        ],
        legal_references: &[
            "PPC 292-A",
            "PPC 292-B",
            "PPC 292-C",
            "PPC 302",
            "PPC 376",
            "PPC 377",
            "PPC 377-A",
            "PPC 377-B",
            "PPC 511",
            "Anti-Rape (Investigation and Trial) Act 2021",
            // Applies where the alleged offender is a juvenile.
            "Juvenile Justice System Act 2018",
        ],
        cites_child_protection_act: true,
    },
    Category {
        code: "sexual_exploitation",
        name: "Sexual exploitation",
        subcategories: &[],
        legal_references: &[
            "PPC 292-A",
            "PPC 366-A",
            "PPC 366-B",
            "PPC 371-A",
            "PPC 371-B",
            "PPC 377-A",
            "PPC 377-B",
            "Prevention of Trafficking in Persons Act 2018",
        ],
        cites_child_protection_act: true,
    },
    Category {
        code: "online_sexual_exploitation",
        name: "Online sexual exploitation",
        subcategories: &[],
        legal_references: &[
            "PPC 292-A",
            "PPC 292-B",
            "PPC 292-C",
            "PPC 377-A",
            "PPC 377-B",
            "PECA 2016",
        ],
        cites_child_protection_act: false,
    },
    Category {
        code: "trafficking",
        name: "Trafficking",
        subcategories: &[],
        legal_references: &[
            "PPC 369-A",
            "PPC 370",
            "PPC 371",
            "PPC 371-A",
            "PPC 371-B",
            "Prevention of Trafficking in Persons Act 2018",
            // Repealed by the 2018 Act; still relevant for older cases.
            "Prevention and Control of Human Trafficking Ordinance 2002",
            "Prevention of Smuggling of Migrants Act 2018",
        ],
        cites_child_protection_act: false,
    },
    Category {
        code: "sale_of_child",
        name: "Sale of a child",
        subcategories: &[],
        legal_references: &[
            "PPC 370",
            "PPC 371",
            "PPC 371-A",
            "PPC 371-B",
            "Prevention of Trafficking in Persons Act 2018",
        ],
        cites_child_protection_act: false,
    },
    Category {
        code: "abduction_kidnapping",
        name: "Abduction / kidnapping",
        subcategories: &[],
        legal_references: &[
            "PPC 361",
            "PPC 363",
            "PPC 364-A",
            "PPC 365-B",
            "PPC 366-A",
            "PPC 367-A",
            "PPC 369",
            "Zainab Alert, Response and Recovery Act 2020",
        ],
        cites_child_protection_act: false,
    },
    Category {
        code: "missing_child",
        name: "Missing child",
        subcategories: &[],
        legal_references: &["Zainab Alert, Response and Recovery Act 2020"],
        cites_child_protection_act: false,
    },
    Category {
        code: "child_marriage",
        name: "Child marriage",
        subcategories: &[
            Subcategory {
                code: "early_marriage",
                name: "Early marriage",
            },
            Subcategory {
                code: "vani_swara",
                name: "Vani / swara",
            },
            Subcategory {
                code: "forced_marriage",
                name: "Forced marriage",
            },
        ],
        legal_references: &[
            "PPC 310-A",
            "PPC 365-B",
            "PPC 498-B",
            "Child Marriage Restraint Act 1929",
            "Sindh Child Marriages Restraint Act 2013",
            "ICT Child Marriage Restraint Act 2025",
        ],
        cites_child_protection_act: false,
    },
    Category {
        code: "child_labour",
        name: "Child labour",
        subcategories: &[
            Subcategory {
                code: "hazardous_work",
                name: "Hazardous work",
            },
            Subcategory {
                code: "street_work",
                name: "Street work",
            },
            Subcategory {
                code: "begging",
                name: "Begging",
            },
        ],
        legal_references: &[
            "PPC 374",
            "Constitution of Pakistan Art. 11",
            "Employment of Children Act 1991",
            "Punjab Restriction on Employment of Children Act 2016",
            "Punjab Prohibition of Child Labour at Brick Kilns Act 2016",
            "Punjab Destitute and Neglected Children Act 2004",
            "Sindh Prohibition of Employment of Children Act 2017",
            "KP Prohibition of Employment of Children Act 2015",
            "Balochistan Employment of Children (Prohibition and Regulation) Act 2021",
        ],
        cites_child_protection_act: false,
    },
    Category {
        code: "domestic_child_labour",
        name: "Domestic child labour",
        subcategories: &[],
        legal_references: &[
            "PPC 328-A",
            "PPC 374",
            "Employment of Children Act 1991",
            "ICT Domestic Workers Act 2022",
            "Punjab Domestic Workers Act 2019",
        ],
        cites_child_protection_act: false,
    },
    Category {
        code: "bonded_labour",
        name: "Bonded labour",
        subcategories: &[],
        legal_references: &[
            "PPC 370",
            "PPC 374",
            "Constitution of Pakistan Art. 11",
            "Bonded Labour System (Abolition) Act 1992",
        ],
        cites_child_protection_act: false,
    },
    Category {
        code: "corporal_punishment",
        name: "Corporal punishment",
        subcategories: &[],
        legal_references: &[
            "PPC 89",
            "PPC 328-A",
            "ICT Prohibition of Corporal Punishment Act 2021",
            "Sindh Prohibition of Corporal Punishment Act 2016",
            "KP Child Protection and Welfare Act 2010",
        ],
        cites_child_protection_act: false,
    },
    Category {
        code: "physical_violence",
        name: "Physical violence",
        subcategories: &[],
        legal_references: &["PPC 328-A", "PPC 332", "PPC 337-A", "PPC 337-F"],
        cites_child_protection_act: true,
    },
    Category {
        code: "cruelty",
        name: "Cruelty",
        subcategories: &[],
        legal_references: &["PPC 328-A"],
        cites_child_protection_act: true,
    },
    Category {
        code: "neglect",
        name: "Neglect",
        subcategories: &[],
        legal_references: &["PPC 328-A"],
        cites_child_protection_act: true,
    },
    Category {
        code: "abandonment",
        name: "Abandonment",
        subcategories: &[],
        legal_references: &["PPC 328", "PPC 328-A"],
        cites_child_protection_act: true,
    },
    Category {
        code: "online_harm",
        name: "Online harm",
        subcategories: &[
            Subcategory {
                code: "cyberbullying",
                name: "Cyberbullying",
            },
            Subcategory {
                code: "cyberstalking",
                name: "Cyberstalking",
            },
            Subcategory {
                code: "harmful_content",
                name: "Exposure to harmful content",
            },
        ],
        legal_references: &["PECA 2016"],
        cites_child_protection_act: false,
    },
    Category {
        code: "child_in_conflict_with_law",
        name: "Child in conflict with the law",
        subcategories: &[],
        legal_references: &["PPC 82", "PPC 83", "Juvenile Justice System Act 2018"],
        cites_child_protection_act: false,
    },
    Category {
        code: "denial_of_education",
        name: "Denial of education",
        subcategories: &[],
        legal_references: &[
            "Constitution of Pakistan Art. 25-A",
            "Right to Free and Compulsory Education Act 2012",
            "Punjab Free and Compulsory Education Act 2014",
            "Sindh Right of Children to Free and Compulsory Education Act 2013",
            "KP Free Compulsory Primary and Secondary Education Act 2017",
            "Balochistan Compulsory Education Act 2014",
        ],
        cites_child_protection_act: false,
    },
    Category {
        code: "birth_registration",
        name: "Birth registration",
        subcategories: &[],
        legal_references: &[
            "National Database and Registration Authority Ordinance 2000",
            "Births, Deaths and Marriages Registration Act 1886",
        ],
        cites_child_protection_act: false,
    },
    Category {
        code: "discrimination",
        name: "Discrimination",
        subcategories: &[],
        legal_references: &[
            "Constitution of Pakistan Art. 25",
            "ICT Rights of Persons with Disability Act 2020",
            "Transgender Persons (Protection of Rights) Act 2018",
            "National Commission on the Rights of Child Act 2017",
        ],
        cites_child_protection_act: false,
    },
    Category {
        code: "other",
        name: "Other",
        subcategories: &[],
        legal_references: &["National Commission on the Rights of Child Act 2017"],
        cites_child_protection_act: true,
    },
];

/// Every legal reference known to the taxonomy, deduplicated, in a stable order.
pub static LEGAL_REFERENCES: &[&str] = &[
    // Pakistan Penal Code 1860, by section.
    "PPC 82",
    "PPC 83",
    "PPC 89",
    "PPC 292-A",
    "PPC 292-B",
    "PPC 292-C",
    "PPC 302",
    "PPC 310-A",
    "PPC 328",
    "PPC 328-A",
    "PPC 332",
    "PPC 337-A",
    "PPC 337-F",
    "PPC 361",
    "PPC 363",
    "PPC 364-A",
    "PPC 365-B",
    "PPC 366-A",
    "PPC 366-B",
    "PPC 367-A",
    "PPC 369",
    "PPC 369-A",
    "PPC 370",
    "PPC 371",
    "PPC 371-A",
    "PPC 371-B",
    "PPC 374",
    "PPC 376",
    "PPC 377",
    "PPC 377-A",
    "PPC 377-B",
    "PPC 498-B",
    "PPC 511",
    // Constitution.
    "Constitution of Pakistan Art. 11",
    "Constitution of Pakistan Art. 25",
    "Constitution of Pakistan Art. 25-A",
    // Federal statutes.
    "Anti-Rape (Investigation and Trial) Act 2021",
    "Births, Deaths and Marriages Registration Act 1886",
    "Bonded Labour System (Abolition) Act 1992",
    "Child Marriage Restraint Act 1929",
    "Employment of Children Act 1991",
    "Juvenile Justice System Act 2018",
    "National Commission on the Rights of Child Act 2017",
    "National Database and Registration Authority Ordinance 2000",
    "PECA 2016",
    "Prevention and Control of Human Trafficking Ordinance 2002",
    "Prevention of Smuggling of Migrants Act 2018",
    "Prevention of Trafficking in Persons Act 2018",
    "Transgender Persons (Protection of Rights) Act 2018",
    "Zainab Alert, Response and Recovery Act 2020",
    // Islamabad Capital Territory.
    "ICT Child Marriage Restraint Act 2025",
    "ICT Child Protection Act 2018",
    "ICT Domestic Workers Act 2022",
    "ICT Prohibition of Corporal Punishment Act 2021",
    "ICT Rights of Persons with Disability Act 2020",
    "Right to Free and Compulsory Education Act 2012",
    // Punjab.
    "Punjab Destitute and Neglected Children Act 2004",
    "Punjab Domestic Workers Act 2019",
    "Punjab Free and Compulsory Education Act 2014",
    "Punjab Prohibition of Child Labour at Brick Kilns Act 2016",
    "Punjab Restriction on Employment of Children Act 2016",
    // Sindh.
    "Sindh Child Marriages Restraint Act 2013",
    "Sindh Child Protection Authority Act 2011",
    "Sindh Prohibition of Corporal Punishment Act 2016",
    "Sindh Prohibition of Employment of Children Act 2017",
    "Sindh Right of Children to Free and Compulsory Education Act 2013",
    // Khyber Pakhtunkhwa.
    "KP Child Protection and Welfare Act 2010",
    "KP Free Compulsory Primary and Secondary Education Act 2017",
    "KP Prohibition of Employment of Children Act 2015",
    // Balochistan.
    "Balochistan Child Protection Act 2016",
    "Balochistan Compulsory Education Act 2014",
    "Balochistan Employment of Children (Prohibition and Regulation) Act 2021",
    // Gilgit-Baltistan.
    "Gilgit-Baltistan Child Protection and Welfare Act 2013",
];

#[cfg(test)]
mod tests {
    use super::*;

    const EXPECTED_CODES: [&str; 22] = [
        "sexual_abuse",
        "sexual_exploitation",
        "online_sexual_exploitation",
        "trafficking",
        "sale_of_child",
        "abduction_kidnapping",
        "missing_child",
        "child_marriage",
        "child_labour",
        "domestic_child_labour",
        "bonded_labour",
        "corporal_punishment",
        "physical_violence",
        "cruelty",
        "neglect",
        "abandonment",
        "online_harm",
        "child_in_conflict_with_law",
        "denial_of_education",
        "birth_registration",
        "discrimination",
        "other",
    ];

    fn is_code(s: &str) -> bool {
        let mut chars = s.chars();
        match chars.next() {
            Some(c) if c.is_ascii_lowercase() => {}
            _ => return false,
        }
        chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    }

    fn category(code: &str) -> &'static Category {
        match CATEGORIES.iter().find(|c| c.code == code) {
            Some(c) => c,
            None => panic!("category {code} missing"),
        }
    }

    fn sub_codes(code: &str) -> Vec<&'static str> {
        category(code)
            .subcategories
            .iter()
            .map(|s| s.code)
            .collect()
    }

    #[test]
    fn category_codes_are_exactly_the_expected_list_in_order() {
        let codes: Vec<&str> = CATEGORIES.iter().map(|c| c.code).collect();
        assert_eq!(codes, EXPECTED_CODES);
    }

    #[test]
    fn required_subcategories_are_present_in_order() {
        assert_eq!(
            sub_codes("sexual_abuse"),
            [
                "rape",
                "sodomy",
                "gang_rape",
                "gang_sodomy",
                "attempted",
                "incest",
                "pornography",
                "murder_after_abuse",
            ]
        );
        assert_eq!(
            sub_codes("child_marriage"),
            ["early_marriage", "vani_swara", "forced_marriage"]
        );
    }

    #[test]
    fn subcategory_codes_are_unique_per_category() {
        for c in CATEGORIES {
            for (i, a) in c.subcategories.iter().enumerate() {
                for b in &c.subcategories[i + 1..] {
                    assert_ne!(a.code, b.code, "duplicate subcategory in {}", c.code);
                }
            }
        }
    }

    #[test]
    fn all_codes_are_snake_case_ascii() {
        for c in CATEGORIES {
            assert!(is_code(c.code), "bad category code {:?}", c.code);
            for s in c.subcategories {
                assert!(is_code(s.code), "bad subcategory code {:?}", s.code);
            }
        }
    }

    #[test]
    fn code_checker_rejects_bad_codes() {
        for bad in ["", "Rape", "1abc", "_x", "gang-rape", "a b", "é"] {
            assert!(!is_code(bad), "{bad:?} accepted");
        }
        for good in ["a", "gang_rape", "x1_2"] {
            assert!(is_code(good), "{good:?} rejected");
        }
    }

    #[test]
    fn names_are_non_empty_and_trimmed() {
        for c in CATEGORIES {
            assert!(!c.name.is_empty() && c.name.trim() == c.name);
            for s in c.subcategories {
                assert!(!s.name.is_empty() && s.name.trim() == s.name);
            }
        }
    }

    #[test]
    fn every_used_reference_is_known() {
        for c in CATEGORIES {
            for r in c.legal_references {
                assert!(
                    LEGAL_REFERENCES.contains(r),
                    "{} uses unknown reference {r:?}",
                    c.code
                );
            }
        }
    }

    #[test]
    fn references_are_not_duplicated_within_a_category() {
        for c in CATEGORIES {
            for (i, r) in c.legal_references.iter().enumerate() {
                assert!(
                    !c.legal_references[i + 1..].contains(r),
                    "{} lists {r:?} twice",
                    c.code
                );
            }
        }
    }

    #[test]
    fn legal_references_have_no_duplicates_and_are_trimmed() {
        for (i, r) in LEGAL_REFERENCES.iter().enumerate() {
            assert!(!r.is_empty() && r.trim() == *r, "bad reference {r:?}");
            assert!(
                !LEGAL_REFERENCES[i + 1..].contains(r),
                "duplicate reference {r:?}"
            );
        }
    }

    #[test]
    fn key_references_are_attached() {
        let has = |code: &str, r: &str| category(code).legal_references.contains(&r);
        assert!(has("sexual_abuse", "PPC 376"));
        assert!(has("sexual_abuse", "PPC 377-B"));
        assert!(has(
            "trafficking",
            "Prevention of Trafficking in Persons Act 2018"
        ));
        assert!(has("child_marriage", "Child Marriage Restraint Act 1929"));
        assert!(has("child_marriage", "PPC 310-A"));
        assert!(has("abduction_kidnapping", "PPC 364-A"));
        assert!(has(
            "missing_child",
            "Zainab Alert, Response and Recovery Act 2020"
        ));
        assert!(has("corporal_punishment", "PPC 89"));
        assert!(has(
            "child_in_conflict_with_law",
            "Juvenile Justice System Act 2018"
        ));
    }
}
