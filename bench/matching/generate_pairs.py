#!/usr/bin/env python3
"""Writes the labelled evaluation set of the duplicate-matching engine (tests/data/matching_pairs.tsv).

Every child, name and number is fictional. Each pair is two registrations, as two agencies (police,
bureau, CSO, hospital) would make them, of one child ("same") or of two children ("different"). The
noise follows what registrations actually do: Urdu script or Roman spellings, "Muhammad" kept,
abbreviated or dropped, honorifics added, family names recorded as clan name, father's name or
"Bibi", identifiers typed with or without dashes (or a guardian's CNIC), dates of birth exact,
estimated or replaced by an estimated age, fields missing. Name frequencies are skewed the way
Pakistani names are (many Muhammad, Ali, Fatima, Ayesha, Khan, Bibi).

The generator knows nothing of the engine's keys: spellings are written as people write them,
including some the engine is known not to fold (Chaudhry/چوہدری, Ishaq/اسحاق, final ی typed for ىٰ).

Usage: generate_pairs.py [--seed N] [--out PATH]

The committed file uses the default seed and was held out: the engine was developed, and its LIKELY
threshold set, on seeds 1 to 10 only.
"""

import argparse
import datetime as dt
import random

TODAY = dt.date(2026, 6, 30)

# canonical: (weight, urdu spellings, roman spellings with weights)
MALE = {
    "Ali": (30, ["علی"], [("Ali", 9), ("Aly", 1)]),
    "Ahmed": (20, ["احمد"], [("Ahmed", 5), ("Ahmad", 4)]),
    "Hassan": (18, ["حسن"], [("Hassan", 6), ("Hasan", 4)]),
    "Hussain": (18, ["حسین"], [("Hussain", 6), ("Husain", 3), ("Hussein", 1)]),
    "Usman": (14, ["عثمان"], [("Usman", 7), ("Osman", 2), ("Usmaan", 1)]),
    "Bilal": (12, ["بلال"], [("Bilal", 8), ("Bilaal", 1)]),
    "Hamza": (14, ["حمزہ"], [("Hamza", 8), ("Hamzah", 2)]),
    "Abdullah": (14, ["عبداللہ", "عبد اللہ"], [("Abdullah", 8), ("Abdulla", 2), ("Abd Allah", 1)]),
    "Abdul Rehman": (12, ["عبدالرحمن", "عبدالرحمان", "عبد الرحمن"],
                     [("Abdul Rehman", 5), ("Abdur Rahman", 2), ("Abdul Rahman", 3),
                      ("Abdulrehman", 2), ("Abd al-Rahman", 1), ("Abdur Rehman", 1)]),
    "Umar": (12, ["عمر"], [("Umar", 6), ("Omar", 2), ("Umer", 2)]),
    "Imran": (8, ["عمران"], [("Imran", 8), ("Emran", 1)]),
    "Zain": (8, ["زین"], [("Zain", 7), ("Zayn", 1)]),
    "Faisal": (6, ["فیصل"], [("Faisal", 6), ("Faysal", 1), ("Faisel", 1)]),
    "Kashif": (5, ["کاشف"], [("Kashif", 6), ("Kaashif", 1)]),
    "Asif": (5, ["آصف"], [("Asif", 6), ("Aasif", 1)]),
    "Tariq": (5, ["طارق"], [("Tariq", 6), ("Tarik", 1), ("Tareq", 1)]),
    "Rizwan": (5, ["رضوان"], [("Rizwan", 6), ("Rizwaan", 1)]),
    "Adnan": (4, ["عدنان"], [("Adnan", 6), ("Adnaan", 1)]),
    "Saad": (6, ["سعد"], [("Saad", 6), ("Sa'ad", 1)]),
    "Haris": (6, ["حارث"], [("Haris", 5), ("Haaris", 1), ("Harris", 1)]),
    "Talha": (5, ["طلحہ"], [("Talha", 6), ("Talhah", 1)]),
    "Zubair": (5, ["زبیر"], [("Zubair", 5), ("Zubeir", 1), ("Zobair", 1)]),
    "Yousaf": (6, ["یوسف"], [("Yousaf", 4), ("Yusuf", 3), ("Yousuf", 2), ("Yousef", 1)]),
    "Ibrahim": (6, ["ابراہیم"], [("Ibrahim", 6), ("Ibraheem", 2), ("Ebrahim", 1)]),
    "Ismail": (4, ["اسماعیل"], [("Ismail", 6), ("Ismaeel", 1), ("Esmail", 1)]),
    "Salman": (4, ["سلمان"], [("Salman", 6), ("Salmaan", 1)]),
    "Shahid": (4, ["شاہد"], [("Shahid", 6), ("Shahed", 1)]),
    "Waqas": (4, ["وقاص"], [("Waqas", 6), ("Waqaas", 1)]),
    "Junaid": (4, ["جنید"], [("Junaid", 6), ("Junaed", 1), ("Juned", 1)]),
    "Arsalan": (4, ["ارسلان"], [("Arsalan", 4), ("Arslan", 3)]),
    "Danish": (3, ["دانش"], [("Danish", 6), ("Daanish", 1)]),
    "Fahad": (5, ["فہد"], [("Fahad", 5), ("Fahd", 2)]),
    "Kamran": (3, ["کامران"], [("Kamran", 6), ("Kamraan", 1)]),
    "Javed": (3, ["جاوید"], [("Javed", 5), ("Javaid", 2), ("Jawed", 1)]),
    "Naveed": (3, ["نوید"], [("Naveed", 5), ("Navid", 1), ("Naved", 1)]),
    "Sajid": (3, ["ساجد"], [("Sajid", 6), ("Saajid", 1)]),
    "Sajjad": (3, ["سجاد"], [("Sajjad", 6), ("Sajad", 1)]),
    "Rashid": (3, ["راشد"], [("Rashid", 6), ("Raashid", 1)]),
    "Arshad": (3, ["ارشد"], [("Arshad", 1)]),
    "Irfan": (3, ["عرفان"], [("Irfan", 6), ("Erfan", 1)]),
    "Mahmood": (3, ["محمود"], [("Mahmood", 4), ("Mehmood", 3), ("Mahmud", 1)]),
    "Shoaib": (4, ["شعیب"], [("Shoaib", 5), ("Shoeb", 1), ("Shuaib", 1)]),
    "Noman": (4, ["نعمان"], [("Noman", 4), ("Nauman", 2), ("Nouman", 2)]),
    "Sufyan": (4, ["سفیان"], [("Sufyan", 4), ("Sufian", 2), ("Sufiyan", 1)]),
    "Zeeshan": (4, ["ذیشان"], [("Zeeshan", 5), ("Zishan", 1), ("Zeshan", 1)]),
    "Awais": (4, ["اویس"], [("Awais", 5), ("Owais", 2), ("Uwais", 1)]),
    "Uzair": (3, ["عزیر"], [("Uzair", 5), ("Uzayr", 1)]),
    "Musa": (3, ["موسیٰ", "موسی"], [("Musa", 4), ("Moosa", 3)]),
    "Isa": (2, ["عیسیٰ", "عیسی"], [("Isa", 4), ("Eesa", 2), ("Essa", 1)]),
    "Yahya": (3, ["یحییٰ", "یحیی"], [("Yahya", 5), ("Yahiya", 1)]),
    "Mustafa": (4, ["مصطفیٰ", "مصطفی"], [("Mustafa", 6), ("Mustapha", 1)]),
    "Murtaza": (3, ["مرتضیٰ", "مرتضی"], [("Murtaza", 5), ("Murtuza", 1)]),
    "Raza": (4, ["رضا"], [("Raza", 1)]),
    "Abbas": (4, ["عباس"], [("Abbas", 6), ("Abas", 1)]),
    "Anwar": (2, ["انور"], [("Anwar", 5), ("Anwer", 1)]),
    "Sarwar": (2, ["سرور"], [("Sarwar", 1)]),
    "Rahmatullah": (3, ["رحمت اللہ"], [("Rahmatullah", 4), ("Rahmat Ullah", 3), ("Rehmatullah", 2)]),
    "Saifullah": (3, ["سیف اللہ"], [("Saifullah", 4), ("Saif Ullah", 3), ("Saif-ullah", 1)]),
    "Ehsanullah": (2, ["احسان اللہ"], [("Ehsanullah", 4), ("Ehsan Ullah", 2), ("Ihsanullah", 2)]),
    "Abdul Aziz": (2, ["عبدالعزیز"], [("Abdul Aziz", 5), ("Abdulaziz", 2), ("Abd al-Aziz", 1)]),
    "Abdul Qadir": (2, ["عبدالقادر"], [("Abdul Qadir", 5), ("Abdulqadir", 1), ("Abdul Kadir", 1)]),
    "Abdul Basit": (2, ["عبدالباسط"], [("Abdul Basit", 5), ("Abdulbasit", 1)]),
    "Ghulam Mustafa": (2, ["غلام مصطفیٰ", "غلام مصطفی"], [("Ghulam Mustafa", 5), ("Gulam Mustafa", 1)]),
    "Saif ud Din": (1, ["سیف الدین"], [("Saif ud Din", 3), ("Saifuddin", 3), ("Saif-ud-Din", 2)]),
    "Zia ul Haq": (1, ["ضیاء الحق"], [("Zia ul Haq", 3), ("Ziaulhaq", 1), ("Zia-ul-Haq", 2)]),
    "Ayaan": (5, ["ایان"], [("Ayaan", 4), ("Ayan", 2)]),
    "Rayyan": (4, ["ریان"], [("Rayyan", 3), ("Rayan", 2)]),
    "Hasnain": (3, ["حسنین"], [("Hasnain", 4), ("Husnain", 2)]),
    "Ishaq": (2, ["اسحاق"], [("Ishaq", 4), ("Is'haq", 1)]),
    "Waleed": (3, ["ولید"], [("Waleed", 4), ("Walid", 2)]),
    "Rehan": (3, ["ریحان"], [("Rehan", 4), ("Raihan", 1)]),
    "Faiz": (2, ["فیض"], [("Faiz", 4), ("Faez", 1)]),
}

FEMALE = {
    "Fatima": (30, ["فاطمہ"], [("Fatima", 8), ("Fatimah", 2), ("Fatma", 1), ("Fatema", 1)]),
    "Ayesha": (25, ["عائشہ"], [("Ayesha", 6), ("Aisha", 4), ("Aysha", 2), ("Ayisha", 1), ("Aesha", 1)]),
    "Zainab": (18, ["زینب"], [("Zainab", 7), ("Zaynab", 2), ("Zenab", 1)]),
    "Maryam": (15, ["مریم"], [("Maryam", 6), ("Mariam", 3), ("Mariyam", 1)]),
    "Khadija": (10, ["خدیجہ"], [("Khadija", 6), ("Khadeeja", 2), ("Khadijah", 2)]),
    "Amna": (10, ["آمنہ"], [("Amna", 6), ("Aamna", 2)]),
    "Sana": (8, ["ثنا", "ثناء"], [("Sana", 6), ("Sanaa", 1)]),
    "Hira": (6, ["حرا"], [("Hira", 6), ("Hera", 1)]),
    "Iqra": (8, ["اقرا", "اقراء"], [("Iqra", 6), ("Iqraa", 1)]),
    "Noor": (8, ["نور"], [("Noor", 6), ("Nur", 1)]),
    "Aliya": (5, ["عالیہ"], [("Aliya", 4), ("Alia", 3), ("Aaliya", 2), ("Aliyah", 1)]),
    "Sadia": (5, ["سعدیہ"], [("Sadia", 5), ("Saadia", 2), ("Sadiya", 1)]),
    "Nadia": (4, ["نادیہ"], [("Nadia", 5), ("Nadiya", 1)]),
    "Rabia": (5, ["رابعہ"], [("Rabia", 5), ("Rabiya", 1), ("Rabiah", 1)]),
    "Saima": (3, ["صائمہ"], [("Saima", 5), ("Saema", 1)]),
    "Asma": (3, ["اسماء", "اسما"], [("Asma", 5), ("Asmaa", 1)]),
    "Bushra": (3, ["بشریٰ", "بشری"], [("Bushra", 5), ("Bushrah", 1)]),
    "Hina": (4, ["حنا"], [("Hina", 5), ("Heena", 1)]),
    "Kiran": (3, ["کرن"], [("Kiran", 5), ("Kiren", 1)]),
    "Sidra": (4, ["سدرہ"], [("Sidra", 5), ("Sidrah", 1)]),
    "Mehwish": (3, ["مہوش"], [("Mehwish", 4), ("Mahwish", 2)]),
    "Rukhsana": (2, ["رخسانہ"], [("Rukhsana", 5), ("Rukhsaana", 1)]),
    "Shabana": (2, ["شبانہ"], [("Shabana", 1)]),
    "Nazia": (2, ["نازیہ"], [("Nazia", 5), ("Naziya", 1)]),
    "Samina": (2, ["ثمینہ"], [("Samina", 4), ("Sameena", 2)]),
    "Farzana": (2, ["فرزانہ"], [("Farzana", 1)]),
    "Parveen": (2, ["پروین"], [("Parveen", 4), ("Perveen", 1), ("Parvin", 1)]),
    "Nasreen": (2, ["نسرین"], [("Nasreen", 4), ("Nasrin", 1)]),
    "Shazia": (2, ["شازیہ"], [("Shazia", 5), ("Shaziya", 1)]),
    "Uzma": (2, ["عظمیٰ", "عظمی"], [("Uzma", 1)]),
    "Zara": (5, ["زارا", "زارہ"], [("Zara", 5), ("Zaara", 1), ("Zarah", 1)]),
    "Anum": (4, ["انعم"], [("Anum", 4), ("Anam", 2)]),
    "Mahnoor": (5, ["ماہ نور", "ماہنور"], [("Mahnoor", 5), ("Mah Noor", 1), ("Mahnur", 1)]),
    "Hafsa": (5, ["حفصہ"], [("Hafsa", 5), ("Hafsah", 1)]),
    "Areeba": (4, ["اریبہ"], [("Areeba", 4), ("Ariba", 1)]),
    "Laiba": (4, ["لائبہ"], [("Laiba", 4), ("Laibah", 1)]),
    "Eman": (4, ["ایمان"], [("Eman", 4), ("Iman", 2)]),
    "Zoya": (3, ["زویا"], [("Zoya", 4), ("Zoyaa", 1)]),
    "Kinza": (3, ["کنزہ"], [("Kinza", 4), ("Kinzah", 1)]),
    "Noor ul Ain": (3, ["نور العین", "نورالعین"], [("Noor ul Ain", 3), ("Noor-ul-Ain", 2), ("Noorulain", 1)]),
    "Mehrunnisa": (2, ["مہرالنساء", "مہر النساء"], [("Mehrunnisa", 3), ("Mehr-un-Nisa", 2), ("Mehrun Nisa", 1)]),
    "Sumaira": (2, ["سمیرا"], [("Sumaira", 3), ("Sumera", 1)]),
    "Tahira": (2, ["طاہرہ"], [("Tahira", 4), ("Tahirah", 1)]),
    "Shamim": (1, ["شمیم"], [("Shamim", 3), ("Shameem", 2)]),
    "Husna": (2, ["حسنیٰ", "حسنی"], [("Husna", 1)]),
    "Faiza": (3, ["فائزہ"], [("Faiza", 4), ("Faizah", 1)]),
    "Hamna": (3, ["حمنہ"], [("Hamna", 1)]),
    "Rehana": (2, ["ریحانہ"], [("Rehana", 4), ("Raihana", 1)]),
    "Aleena": (3, ["علینہ"], [("Aleena", 4), ("Alina", 2)]),
    "Javeria": (3, ["جویریہ"], [("Javeria", 4), ("Javeriya", 1), ("Jaweria", 1)]),
}

# Clan and caste names.
CLANS = {
    "Khan": (40, ["خان"], [("Khan", 1)]),
    "Ali": (8, ["علی"], [("Ali", 1)]),
    "Ahmed": (6, ["احمد"], [("Ahmed", 5), ("Ahmad", 4)]),
    "Hussain": (6, ["حسین"], [("Hussain", 6), ("Husain", 2)]),
    "Shah": (8, ["شاہ"], [("Shah", 1)]),
    "Malik": (6, ["ملک"], [("Malik", 1)]),
    "Butt": (4, ["بٹ"], [("Butt", 5), ("But", 1)]),
    "Qureshi": (4, ["قریشی"], [("Qureshi", 5), ("Qureishi", 1), ("Kureshi", 1)]),
    "Baloch": (5, ["بلوچ"], [("Baloch", 5), ("Baluch", 1)]),
    "Awan": (4, ["اعوان"], [("Awan", 1)]),
    "Chaudhry": (4, ["چوہدری", "چودھری"], [("Chaudhry", 4), ("Chaudhary", 2), ("Choudhry", 1)]),
    "Rajput": (2, ["راجپوت"], [("Rajput", 1)]),
    "Abbasi": (3, ["عباسی"], [("Abbasi", 1)]),
    "Raza": (2, ["رضا"], [("Raza", 1)]),
    "Iqbal": (3, ["اقبال"], [("Iqbal", 1)]),
    "Akhtar": (3, ["اختر"], [("Akhtar", 4), ("Akhter", 1)]),
    "Mehmood": (3, ["محمود"], [("Mehmood", 4), ("Mahmood", 3)]),
    "Afridi": (3, ["آفریدی"], [("Afridi", 1)]),
    "Yousafzai": (2, ["یوسفزئی"], [("Yousafzai", 4), ("Yousufzai", 1), ("Yusufzai", 1)]),
    "Khattak": (2, ["خٹک"], [("Khattak", 4), ("Khatak", 1)]),
    "Jatoi": (2, ["جتوئی"], [("Jatoi", 1)]),
    "Memon": (3, ["میمن"], [("Memon", 1)]),
    "Siddiqui": (2, ["صدیقی"], [("Siddiqui", 5), ("Siddiqi", 2), ("Siddique", 1)]),
    "Ansari": (2, ["انصاری"], [("Ansari", 1)]),
    "Mughal": (2, ["مغل"], [("Mughal", 4), ("Moghal", 1)]),
    "Bhatti": (3, ["بھٹی"], [("Bhatti", 1)]),
    "Gondal": (1, ["گوندل"], [("Gondal", 1)]),
    "Lashari": (1, ["لاشاری"], [("Lashari", 1)]),
    "Marri": (1, ["مری"], [("Marri", 4), ("Mari", 1)]),
    "Bugti": (1, ["بگٹی"], [("Bugti", 1)]),
    "Mengal": (1, ["مینگل"], [("Mengal", 1)]),
    "Khoso": (1, ["کھوسو"], [("Khoso", 1)]),
    "Soomro": (2, ["سومرو"], [("Soomro", 4), ("Sumro", 1)]),
    "Kazmi": (1, ["کاظمی"], [("Kazmi", 1)]),
    "Naqvi": (1, ["نقوی"], [("Naqvi", 1)]),
    "Rizvi": (1, ["رضوی"], [("Rizvi", 1)]),
    "Jafri": (1, ["جعفری"], [("Jafri", 3), ("Jaffri", 1)]),
}

# Fathers' given names, which agencies often record as the child's family name.
FATHERS = {
    "Aslam": (3, ["اسلم"], [("Aslam", 1)]),
    "Rafiq": (3, ["رفیق"], [("Rafiq", 3), ("Rafique", 2)]),
    "Nawaz": (3, ["نواز"], [("Nawaz", 1)]),
    "Rasheed": (3, ["رشید"], [("Rasheed", 3), ("Rashid", 2)]),
    "Sadiq": (2, ["صادق"], [("Sadiq", 1)]),
    "Latif": (2, ["لطیف"], [("Latif", 3), ("Lateef", 2)]),
    "Majeed": (2, ["مجید"], [("Majeed", 3), ("Majid", 1)]),
    "Hameed": (2, ["حمید"], [("Hameed", 3), ("Hamid", 1)]),
    "Bashir": (3, ["بشیر"], [("Bashir", 3), ("Basheer", 1)]),
    "Nazir": (2, ["نذیر"], [("Nazir", 3), ("Nazeer", 2)]),
    "Saleem": (3, ["سلیم"], [("Saleem", 3), ("Salim", 2)]),
    "Arif": (2, ["عارف"], [("Arif", 1)]),
    "Shafiq": (2, ["شفیق"], [("Shafiq", 3), ("Shafique", 2)]),
    "Tariq": (2, ["طارق"], [("Tariq", 1)]),
    "Yaqoob": (2, ["یعقوب"], [("Yaqoob", 3), ("Yaqub", 2)]),
    "Ramzan": (2, ["رمضان"], [("Ramzan", 4), ("Ramazan", 1)]),
    "Sharif": (2, ["شریف"], [("Sharif", 3), ("Shareef", 2)]),
    "Akram": (2, ["اکرم"], [("Akram", 1)]),
    "Ishaq": (1, ["اسحاق"], [("Ishaq", 1)]),
}

BIBI = (["بی بی"], [("Bibi", 1)])
MUHAMMAD_ROMAN = [("Muhammad", 50), ("Mohammad", 20), ("Mohammed", 8), ("Muhammed", 6),
                  ("Mohd.", 6), ("M.", 6), ("Muhammad", 4)]

PROVINCES = {
    "punjab": ["Lahore", "Faisalabad", "Rawalpindi", "Multan", "Gujranwala", "Sialkot", "Bahawalpur"],
    "sindh": ["Karachi Central", "Karachi East", "Hyderabad", "Sukkur", "Larkana"],
    "khyber_pakhtunkhwa": ["Peshawar", "Mardan", "Swat", "Abbottabad", "Kohat"],
    "balochistan": ["Quetta", "Turbat", "Khuzdar"],
    "islamabad": ["Islamabad"],
}
PROVINCE_WEIGHTS = {"punjab": 50, "sindh": 22, "khyber_pakhtunkhwa": 16, "balochistan": 7, "islamabad": 5}
PROVINCE_DIGIT = {"punjab": "3", "sindh": "4", "khyber_pakhtunkhwa": "1", "balochistan": "5", "islamabad": "6"}

COLUMNS = ["given_name", "family_name", "sex", "date_of_birth", "estimated_age_years",
           "age_is_estimated", "identifier", "province", "district", "guardian_phone"]


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)

    # ---- small helpers
    def pick(self, weighted):
        items = list(weighted)
        return self.r.choices([i for i, _ in items], [w for _, w in items])[0]

    def chance(self, p):
        return self.r.random() < p

    def name_from(self, table, exclude=()):
        names = [n for n in table if n not in exclude]
        return self.r.choices(names, [table[n][0] for n in names])[0]

    # ---- people
    def child(self, sex=None, province=None, family=None, born=None, given=None, father=None):
        r = self.r
        sex = sex or r.choice(["male", "female"])
        province = province or self.pick(PROVINCE_WEIGHTS.items())
        table = MALE if sex == "male" else FEMALE
        given = given or self.name_from(table)
        if born is None:
            born = TODAY - dt.timedelta(days=r.randint(200, 17 * 365 + 300))
        if family is None:
            family = ("clan", self.name_from(CLANS))
        if father is None:
            father = self.name_from(FATHERS)
        return {
            "sex": sex,
            "given": given,
            "muhammad": sex == "male" and self.chance(0.45),
            "family": family,
            "father": father,
            "born": born,
            "province": province,
            "district": r.choice(PROVINCES[province]),
            "identifier": PROVINCE_DIGIT[province] + "".join(str(r.randint(0, 9)) for _ in range(12)),
            "guardian_cnic": PROVINCE_DIGIT[province] + "".join(str(r.randint(0, 9)) for _ in range(12)),
            "phone": mobile(r),
        }

    def sibling(self, of, sex=None, born=None, given_exclude=()):
        """A brother or sister: same family, household, place and phone; another given name."""
        r = self.r
        sex = sex or r.choice(["male", "female"])
        table = MALE if sex == "male" else FEMALE
        exclude = set(given_exclude) | {of["given"]}
        given = self.name_from(table, exclude)
        if born is None:
            gap = r.randint(300, 4 * 365) * r.choice([-1, 1])
            born = of["born"] + dt.timedelta(days=gap)
            if born > TODAY - dt.timedelta(days=100):
                born = of["born"] - dt.timedelta(days=abs(gap))
        sib = self.child(sex=sex, province=of["province"], family=of["family"], born=born,
                         given=given, father=of["father"])
        sib["district"] = of["district"]
        sib["phone"] = of["phone"]
        sib["guardian_cnic"] = of["guardian_cnic"]
        return sib

    # ---- rendering one registration
    def spell(self, entry, urdu):
        _, urdu_spellings, roman = entry if len(entry) == 3 else (None, *entry)
        if urdu:
            return self.r.choice(urdu_spellings)
        return self.pick(roman)

    def render(self, c, urdu=None, p=None):
        """One registration of child `c`; `p` overrides noise probabilities."""
        r = self.r
        p = dict(DEFAULT_NOISE, **(p or {}))
        if urdu is None:
            urdu = self.chance(p["urdu"])
        table = MALE if c["sex"] == "male" else FEMALE
        given = self.spell(table[c["given"]], urdu)
        if c["muhammad"] and not self.chance(p["drop_muhammad"]):
            given = ("محمد" if urdu else self.pick(MUHAMMAD_ROMAN)) + " " + given
        if c["sex"] == "female" and not urdu and self.chance(p["mst"]):
            given = self.r.choice(["Mst.", "Mst", "Mussammat"]) + " " + given
        kind, family_name = c["family"]
        family_table = CLANS if kind == "clan" else FATHERS
        if self.chance(p["family_missing"]):
            family = ""
        elif c["sex"] == "female" and self.chance(p["bibi"]):
            family = self.spell(BIBI, urdu)
        elif self.chance(p["father_as_family"]):
            family = self.spell(FATHERS[c["father"]], urdu)
        else:
            family = self.spell(family_table[family_name], urdu)
        if family and self.chance(p["swap"]):
            given, family = family, given
        sex = c["sex"] if not self.chance(p["sex_unknown"]) else "unknown"
        dob, age, estimated = "", "", "false"
        how = self.pick([("exact", p["dob_exact"]), ("estimated_dob", p["dob_estimated"]),
                         ("age", p["age_only"]), ("none", p["birth_missing"])])
        true_age = age_on(c["born"], TODAY)
        if how == "exact":
            born = c["born"]
            if self.chance(p["dob_placeholder"]):
                born = dt.date(born.year, 1, 1)
            elif self.chance(p["dob_day_month_swapped"]) and born.day <= 12 and born.day != born.month:
                born = dt.date(born.year, born.day, born.month)
            dob = born.isoformat()
        elif how == "estimated_dob":
            dob = min(TODAY, c["born"] + dt.timedelta(days=r.randint(-300, 300))).isoformat()
            estimated = "true"
        elif how == "age":
            if self.chance(0.25):
                age = str(true_age)  # stated by the family
            else:
                age = str(max(0, true_age + self.pick([(-2, 1), (-1, 4), (0, 10), (1, 4), (2, 1)])))
                estimated = "true"
        identifier = ""
        if self.chance(p["identifier"]):
            digits = c["guardian_cnic"] if self.chance(p["guardian_cnic"]) else c["identifier"]
            if self.chance(p["identifier_typo"]):
                at = r.randrange(5, 13)
                digits = digits[:at] + str((int(digits[at]) + r.randint(1, 9)) % 10) + digits[at + 1:]
            identifier = format_identifier(digits, self.chance(0.5))
        province, district = c["province"], c["district"]
        if self.chance(p["district_missing"]):
            district = ""
        elif self.chance(p["moved"]):
            if self.chance(0.3):
                province = r.choice([x for x in PROVINCES if x != province])
            district = r.choice([d for d in PROVINCES[province] if d != district] or PROVINCES[province])
        phone = ""
        if self.chance(p["phone"]):
            number = c["phone"]
            if self.chance(p["other_phone"]):
                number = mobile(r)
            phone = format_phone(number, r)
        return {
            "given_name": given, "family_name": family, "sex": sex, "date_of_birth": dob,
            "estimated_age_years": age, "age_is_estimated": estimated, "identifier": identifier,
            "province": province, "district": district, "guardian_phone": phone,
        }


DEFAULT_NOISE = {
    "urdu": 0.25, "drop_muhammad": 0.25, "mst": 0.08, "family_missing": 0.10, "bibi": 0.12,
    "father_as_family": 0.10, "swap": 0.03, "sex_unknown": 0.03,
    "dob_exact": 45, "dob_estimated": 15, "age_only": 32, "birth_missing": 8,
    "dob_placeholder": 0.04, "dob_day_month_swapped": 0.03,
    "identifier": 0.40, "guardian_cnic": 0.05, "identifier_typo": 0.03,
    "district_missing": 0.08, "moved": 0.05, "phone": 0.45, "other_phone": 0.15,
}


def mobile(r):
    """Ten national digits of a Pakistani mobile (operator codes 300-349)."""
    return "3" + str(r.randint(0, 4)) + "".join(str(r.randint(0, 9)) for _ in range(8))


def age_on(born, today):
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def format_identifier(digits, dashed):
    return f"{digits[:5]}-{digits[5:12]}-{digits[12]}" if dashed else digits


def format_phone(national, r):
    style = r.randrange(5)
    if style == 0:
        return f"0{national[:3]}-{national[3:]}"
    if style == 1:
        return f"0{national}"
    if style == 2:
        return f"+92 {national[:3]} {national[3:]}"
    if style == 3:
        return f"92{national}"
    return f"+92{national}"


def positives(g):
    """(category, a, b) for registrations of one child."""
    out = []
    def add(category, n, make):
        for _ in range(n):
            out.append(("same", category) + make())

    def urdu_vs_roman():
        c = g.child()
        return g.render(c, urdu=True), g.render(c, urdu=False)
    add("urdu_vs_roman", 80, urdu_vs_roman)

    def roman_variants():
        c = g.child()
        return g.render(c, urdu=False), g.render(c, urdu=False)
    add("roman_variants", 70, roman_variants)

    def swapped():
        c = g.child()
        return g.render(c, p={"family_missing": 0}), g.render(c, p={"swap": 1.0, "family_missing": 0})
    add("swapped_names", 25, swapped)

    def identifier_formats():
        c = g.child()
        p = {"identifier": 1.0, "guardian_cnic": 0.0}
        a = g.render(c, p=p)
        b = g.render(c, p=p)
        digits = "".join(ch for ch in a["identifier"] if ch.isdigit())
        a["identifier"] = format_identifier(digits, True)
        b["identifier"] = "".join(ch for ch in b["identifier"] if ch.isdigit())
        return a, b
    add("identifier_formats", 25, identifier_formats)

    def estimated_ages():
        c = g.child()
        p = {"dob_exact": 10, "dob_estimated": 30, "age_only": 60, "birth_missing": 0}
        return g.render(c, p=p), g.render(c, p=p)
    add("estimated_ages", 35, estimated_ages)

    def missing_fields():
        c = g.child()
        sparse = {"family_missing": 0.5, "identifier": 0.1, "phone": 0.1, "district_missing": 0.3,
                  "birth_missing": 30}
        return g.render(c), g.render(c, p=sparse)
    add("missing_fields", 35, missing_fields)

    def muhammad_prefix():
        c = g.child(sex="male")
        c["muhammad"] = True
        return g.render(c, p={"drop_muhammad": 0.0}), g.render(c, p={"drop_muhammad": 1.0})
    add("muhammad_prefix", 25, muhammad_prefix)

    def honorifics():
        c = g.child()
        a = g.render(c, urdu=False, p={"mst": 0.0, "bibi": 0.0})
        b = g.render(c, p={"mst": 0.6, "bibi": 0.5})
        in_urdu = any("\u0600" <= ch <= "\u06ff" for ch in b["given_name"])
        if c["sex"] == "male":
            titles = ["سید", "حافظ"] if in_urdu else ["Syed", "Hafiz", "Haji", "Sheikh", "Mian"]
        else:
            titles = ["سیدہ", "مسمات"] if in_urdu else ["Syeda", "Mst.", "Bibi"]
        b["given_name"] = f"{g.r.choice(titles)} {b['given_name']}"
        return a, b
    add("honorifics", 20, honorifics)

    def compounds():
        sex = g.r.choice(["male", "male", "male", "female"])
        names = (["Abdullah", "Abdul Rehman", "Rahmatullah", "Saifullah", "Ehsanullah", "Abdul Aziz",
                  "Abdul Qadir", "Abdul Basit", "Saif ud Din", "Zia ul Haq"] if sex == "male"
                 else ["Noor ul Ain", "Mehrunnisa"])
        c = g.child(sex=sex, given=g.r.choice(names))
        return g.render(c), g.render(c)
    add("compound_names", 25, compounds)

    def moved():
        c = g.child()
        return g.render(c, p={"moved": 0.0}), g.render(c, p={"moved": 1.0, "district_missing": 0.0})
    add("moved_district", 15, moved)
    return out


def negatives(g):
    out = []
    def add(category, n, make):
        for _ in range(n):
            out.append(("different", category) + make())

    def siblings():
        a = g.child()
        b = g.sibling(a)
        return g.render(a), g.render(b)
    add("siblings", 70, siblings)

    def siblings_shared_cnic():
        a = g.child()
        b = g.sibling(a)
        p = {"identifier": 1.0, "guardian_cnic": 1.0, "identifier_typo": 0.0}
        return g.render(a, p=p), g.render(b, p=p)
    add("siblings_guardian_cnic", 15, siblings_shared_cnic)

    rhyming = [("Ali", "Aliya"), ("Zain", "Zainab"), ("Faiz", "Faiza"), ("Rehan", "Rehana"),
               ("Hassan", "Husna"), ("Hamza", "Hamna"), ("Saad", "Sadia")]

    def twins_different_sex():
        boy, girl = g.r.choice(rhyming) if g.chance(0.5) else (g.name_from(MALE), g.name_from(FEMALE))
        a = g.child(sex="male", given=boy)
        b = g.sibling(a, sex="female", born=a["born"])
        b["given"] = girl
        return g.render(a), g.render(b)
    add("twins_different_sex", 20, twins_different_sex)

    same_sex_twins = [("Hassan", "Hussain"), ("Sajid", "Sajjad"), ("Ali", "Umar"), ("Bilal", "Hamza"),
                      ("Fatima", "Zainab"), ("Ayesha", "Khadija")]

    def twins_same_sex():
        first, second = g.r.choice(same_sex_twins)
        sex = "male" if first in MALE else "female"
        a = g.child(sex=sex, given=first)
        b = g.sibling(a, sex=sex, born=a["born"])
        b["given"] = second
        b["muhammad"] = a["muhammad"]
        return g.render(a), g.render(b)
    add("twins_same_sex", 10, twins_same_sex)

    common = [("male", "Ali", "Khan", True), ("male", "Ali", "Khan", False), ("female", "Fatima", None, False),
              ("female", "Ayesha", "Khan", False), ("male", "Usman", "Ali", True), ("female", "Zainab", None, False),
              ("male", "Hassan", "Ali", True), ("male", "Bilal", "Ahmed", False), ("female", "Maryam", "Bibi", False)]

    def common_child(spec, **kwargs):
        sex, given, family, muhammad = spec
        if family in (None, "Bibi"):
            c = g.child(sex=sex, given=given, **kwargs)
            c["family"] = ("clan", g.name_from(CLANS))
            bibi = 1.0
        else:
            c = g.child(sex=sex, given=given, family=("clan", family), **kwargs)
            bibi = 0.0
        c["muhammad"] = muhammad
        return c, {"bibi": bibi, "father_as_family": 0.0, "family_missing": 0.0, "drop_muhammad": 0.1}

    def common_names_elsewhere():
        spec = g.r.choice(common)
        a, pa = common_child(spec)
        other_province = g.r.choice([x for x in PROVINCES if x != a["province"]]) if g.chance(0.4) else a["province"]
        b, pb = common_child(spec, province=other_province)
        if b["district"] == a["district"]:
            b["district"] = g.r.choice([d for d in PROVINCES[b["province"]] if d != a["district"]] or [a["district"]])
        b["born"] = shifted_birth(g, a["born"], min_years=3)
        return g.render(a, p=pa), g.render(b, p=pb)
    add("common_names_elsewhere", 35, common_names_elsewhere)

    def common_names_same_district():
        spec = g.r.choice(common)
        a, pa = common_child(spec)
        b, pb = common_child(spec, province=a["province"])
        b["district"] = a["district"]
        b["born"] = shifted_birth(g, a["born"], min_years=3)
        return g.render(a, p=pa), g.render(b, p=pb)
    add("common_names_same_district", 20, common_names_same_district)

    def common_names_same_district_close_age():
        spec = g.r.choice(common)
        a, pa = common_child(spec)
        b, pb = common_child(spec, province=a["province"])
        b["district"] = a["district"]
        b["born"] = shifted_birth(g, a["born"], min_years=1, max_years=2)
        return g.render(a, p=pa), g.render(b, p=pb)
    add("common_names_same_district_close_age", 10, common_names_same_district_close_age)

    def same_name_different_identifier():
        spec = g.r.choice(common) if g.chance(0.6) else None
        if spec:
            a, pa = common_child(spec)
            b, pb = common_child(spec, province=a["province"])
        else:
            a = g.child()
            b = g.child(sex=a["sex"], given=a["given"], family=a["family"], province=a["province"])
            b["muhammad"] = a["muhammad"]
            pa = pb = {}
        if g.chance(0.5):
            b["district"] = a["district"]
        p = {"identifier": 1.0, "guardian_cnic": 0.0, "identifier_typo": 0.0}
        return g.render(a, p={**pa, **p}), g.render(b, p={**pb, **p})
    add("same_name_different_identifier", 30, same_name_different_identifier)

    def block_mates():
        """Different children who share a given name (so a blocking key), otherwise independent."""
        a = g.child()
        b = g.child(sex=a["sex"], given=a["given"])
        if g.chance(0.5):
            b["province"], b["district"] = a["province"], a["district"]
        return g.render(a), g.render(b)
    add("shared_given_name", 45, block_mates)
    return out


def shifted_birth(g, born, min_years, max_years=12):
    for _ in range(100):
        days = g.r.randint(int(min_years * 365.25), int(max_years * 365.25)) * g.r.choice([-1, 1])
        candidate = born + dt.timedelta(days=days)
        if TODAY - dt.timedelta(days=18 * 365) < candidate < TODAY - dt.timedelta(days=150):
            return candidate
    return born - dt.timedelta(days=int(min_years * 365.25))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=20260630)
    parser.add_argument("--out", default="tests/data/matching_pairs.tsv")
    args = parser.parse_args()
    g = Gen(args.seed)
    rows = positives(g) + negatives(g)
    g.r.shuffle(rows)
    header = ["label", "category"] + [f"a_{c}" for c in COLUMNS] + [f"b_{c}" for c in COLUMNS]
    with open(args.out, "w", encoding="utf-8") as out:
        out.write("# Labelled pairs of fictional child registrations for the duplicate-matching engine\n")
        out.write("# (domain/src/matching). Written by bench/matching/generate_pairs.py --seed "
                  f"{args.seed}; every name and number is made up.\n")
        out.write(f"# today={TODAY.isoformat()}: the day estimated ages refer to.\n")
        out.write("# label: same | different. category: what the pair tests. Then each record: given_name,\n")
        out.write("# family_name, sex (female|male|other|unknown), date_of_birth (YYYY-MM-DD or empty),\n")
        out.write("# estimated_age_years (or empty), age_is_estimated (true|false), identifier (as typed),\n")
        out.write("# province, district, guardian_phone (as typed). Empty cell = not recorded.\n")
        out.write("\t".join(header) + "\n")
        for label, category, a, b in rows:
            cells = [label, category] + [a[c] for c in COLUMNS] + [b[c] for c in COLUMNS]
            assert all("\t" not in cell and "\n" not in cell for cell in cells)
            out.write("\t".join(cells) + "\n")


if __name__ == "__main__":
    main()
