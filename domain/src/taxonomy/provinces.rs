//! Provinces and territories of Pakistan with their districts (administrative units used by child protection bureaus).
//!
//! District lists follow the official administrative divisions as of 2024/2025,
//! sorted alphabetically within each province.

/// A province or territory and its districts.
pub struct Province {
    /// English name of the province or territory.
    pub name: &'static str,
    /// Districts of the province, sorted alphabetically.
    pub districts: &'static [&'static str],
    /// The province's own child protection act, cited by incidents there whose category calls for
    /// one; `None` where we know of no such act in force.
    pub child_protection_act: Option<&'static str>,
}

/// All provinces and territories of Pakistan, in a fixed order.
pub static PROVINCES: &[Province] = &[
    Province {
        name: "Punjab",
        districts: &[
            "Attock",
            "Bahawalnagar",
            "Bahawalpur",
            "Bhakkar",
            "Chakwal",
            "Chiniot",
            "Dera Ghazi Khan",
            "Faisalabad",
            "Gujranwala",
            "Gujrat",
            "Hafizabad",
            "Jhang",
            "Jhelum",
            "Kasur",
            "Khanewal",
            "Khushab",
            "Kot Addu",
            "Lahore",
            "Layyah",
            "Lodhran",
            "Mandi Bahauddin",
            "Mianwali",
            "Multan",
            "Murree",
            "Muzaffargarh",
            "Nankana Sahib",
            "Narowal",
            "Okara",
            "Pakpattan",
            "Rahim Yar Khan",
            "Rajanpur",
            "Rawalpindi",
            "Sahiwal",
            "Sargodha",
            "Sheikhupura",
            "Sialkot",
            "Talagang",
            "Taunsa",
            "Toba Tek Singh",
            "Vehari",
            "Wazirabad",
        ],
        child_protection_act: Some("Punjab Destitute and Neglected Children Act 2004"),
    },
    Province {
        name: "Sindh",
        districts: &[
            "Badin",
            "Dadu",
            "Ghotki",
            "Hyderabad",
            "Jacobabad",
            "Jamshoro",
            "Karachi Central",
            "Karachi East",
            "Karachi South",
            "Karachi West",
            "Kashmore",
            "Keamari",
            "Khairpur",
            "Korangi",
            "Larkana",
            "Malir",
            "Matiari",
            "Mirpur Khas",
            "Naushahro Feroze",
            "Qambar Shahdadkot",
            "Sanghar",
            "Shaheed Benazirabad",
            "Shikarpur",
            "Sujawal",
            "Sukkur",
            "Tando Allahyar",
            "Tando Muhammad Khan",
            "Tharparkar",
            "Thatta",
            "Umerkot",
        ],
        child_protection_act: Some("Sindh Child Protection Authority Act 2011"),
    },
    Province {
        name: "Khyber Pakhtunkhwa",
        districts: &[
            "Abbottabad",
            "Bajaur",
            "Bannu",
            "Battagram",
            "Buner",
            "Central Dir",
            "Charsadda",
            "Dera Ismail Khan",
            "Hangu",
            "Haripur",
            "Karak",
            "Khyber",
            "Kohat",
            "Kolai-Palas",
            "Kurram",
            "Lakki Marwat",
            "Lower Chitral",
            "Lower Dir",
            "Lower Kohistan",
            "Malakand",
            "Mansehra",
            "Mardan",
            "Mohmand",
            "North Waziristan",
            "Nowshera",
            "Orakzai",
            "Peshawar",
            "Shangla",
            "South Waziristan Lower",
            "South Waziristan Upper",
            "Swabi",
            "Swat",
            "Tank",
            "Torghar",
            "Upper Chitral",
            "Upper Dir",
            "Upper Kohistan",
        ],
        child_protection_act: Some("KP Child Protection and Welfare Act 2010"),
    },
    Province {
        name: "Balochistan",
        districts: &[
            "Awaran",
            "Barkhan",
            "Chagai",
            "Chaman",
            "Dera Bugti",
            "Duki",
            "Gwadar",
            "Harnai",
            "Hub",
            "Jaffarabad",
            "Jhal Magsi",
            "Kachhi",
            "Kalat",
            "Kech",
            "Kharan",
            "Khuzdar",
            "Killa Abdullah",
            "Killa Saifullah",
            "Kohlu",
            "Lasbela",
            "Loralai",
            "Mastung",
            "Musakhel",
            "Nasirabad",
            "Nushki",
            "Panjgur",
            "Pishin",
            "Quetta",
            "Sherani",
            "Sibi",
            "Sohbatpur",
            "Surab",
            "Usta Muhammad",
            "Washuk",
            "Zhob",
            "Ziarat",
        ],
        child_protection_act: Some("Balochistan Child Protection Act 2016"),
    },
    Province {
        name: "Islamabad Capital Territory",
        districts: &["Islamabad"],
        child_protection_act: Some("ICT Child Protection Act 2018"),
    },
    Province {
        name: "Gilgit-Baltistan",
        districts: &[
            "Astore",
            "Darel",
            "Diamer",
            "Ghanche",
            "Ghizer",
            "Gilgit",
            "Gupis-Yasin",
            "Hunza",
            "Kharmang",
            "Nagar",
            "Roundu",
            "Shigar",
            "Skardu",
            "Tangir",
        ],
        // Act No. II of 2013 (Gazette of Pakistan, 18 September 2013). A secondary source also names a
        // "Child Protection Response Act 2017"; we could not confirm whether it replaced the 2013 Act,
        // so the enacted text we could read is cited.
        child_protection_act: Some("Gilgit-Baltistan Child Protection and Welfare Act 2013"),
    },
    Province {
        name: "Azad Jammu and Kashmir",
        districts: &[
            "Bagh",
            "Bhimber",
            "Hattian Bala",
            "Haveli",
            "Kotli",
            "Mirpur",
            "Muzaffarabad",
            "Neelum",
            "Poonch",
            "Sudhnoti",
        ],
        // None: we found no enacted AJK child protection act we could confirm (one secondary source
        // names a "Child Rights (Care and Protection) Act 2016", others report none passed), so AJK
        // incidents cite federal law only until one is confirmed.
        child_protection_act: None,
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    const EXPECTED_NAMES: [&str; 7] = [
        "Punjab",
        "Sindh",
        "Khyber Pakhtunkhwa",
        "Balochistan",
        "Islamabad Capital Territory",
        "Gilgit-Baltistan",
        "Azad Jammu and Kashmir",
    ];

    fn districts_of(name: &str) -> &'static [&'static str] {
        match PROVINCES.iter().find(|p| p.name == name) {
            Some(p) => p.districts,
            None => panic!("province {name} missing"),
        }
    }

    #[test]
    fn province_names_are_exactly_the_seven_in_order() {
        let names: Vec<&str> = PROVINCES.iter().map(|p| p.name).collect();
        assert_eq!(names, EXPECTED_NAMES);
    }

    #[test]
    fn province_names_are_unique() {
        for (i, a) in PROVINCES.iter().enumerate() {
            for b in &PROVINCES[i + 1..] {
                assert_ne!(a.name, b.name, "duplicate province name");
            }
        }
    }

    #[test]
    fn every_province_has_a_district() {
        for p in PROVINCES {
            assert!(!p.districts.is_empty(), "{} has no districts", p.name);
        }
    }

    #[test]
    fn district_names_are_trimmed_non_empty_and_unique_within_province() {
        for p in PROVINCES {
            for (i, d) in p.districts.iter().enumerate() {
                assert!(!d.is_empty(), "empty district in {}", p.name);
                assert_eq!(d.trim(), *d, "untrimmed district {d:?} in {}", p.name);
                assert!(
                    !p.districts[i + 1..].contains(d),
                    "duplicate district {d} in {}",
                    p.name
                );
            }
        }
    }

    #[test]
    fn districts_are_sorted_alphabetically() {
        for p in PROVINCES {
            for w in p.districts.windows(2) {
                assert!(w[0] < w[1], "{} not sorted: {} >= {}", p.name, w[0], w[1]);
            }
        }
    }

    #[test]
    fn district_counts_are_plausible() {
        assert!(districts_of("Punjab").len() >= 36);
        assert!(districts_of("Sindh").len() >= 29);
        assert!(districts_of("Khyber Pakhtunkhwa").len() >= 34);
        assert!(districts_of("Balochistan").len() >= 33);
        assert_eq!(districts_of("Islamabad Capital Territory"), ["Islamabad"]);
        assert!(districts_of("Gilgit-Baltistan").len() >= 10);
        assert_eq!(districts_of("Azad Jammu and Kashmir").len(), 10);
    }

    #[test]
    fn recently_created_districts_are_present() {
        let punjab = districts_of("Punjab");
        for d in ["Murree", "Taunsa", "Kot Addu", "Wazirabad", "Talagang"] {
            assert!(punjab.contains(&d), "Punjab missing {d}");
        }
        let sindh = districts_of("Sindh");
        for d in [
            "Karachi Central",
            "Karachi East",
            "Karachi South",
            "Karachi West",
            "Korangi",
            "Malir",
            "Keamari",
        ] {
            assert!(sindh.contains(&d), "Sindh missing {d}");
        }
        let kp = districts_of("Khyber Pakhtunkhwa");
        for d in [
            "Bajaur",
            "Khyber",
            "Kurram",
            "Mohmand",
            "North Waziristan",
            "South Waziristan Upper",
            "South Waziristan Lower",
            "Orakzai",
            "Upper Chitral",
            "Lower Chitral",
            "Upper Kohistan",
            "Lower Kohistan",
            "Kolai-Palas",
        ] {
            assert!(kp.contains(&d), "Khyber Pakhtunkhwa missing {d}");
        }
    }
}
