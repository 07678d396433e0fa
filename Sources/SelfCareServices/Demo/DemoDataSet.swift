import Foundation
import SelfCareCore
import SelfCareStore

/// Writes the deterministic demo data set as the operator would deliver it: a plans file, a customers file
/// and one usage file per month. Loading goes through the real importers and bill run.
package struct DemoDataSet: Sendable {
    /// A client of the demo with its lines.
    struct DemoClient {
        var reference: String
        var name: String
        var kind: ClientKind
        var email: String
        var contact: MSISDN
        var lines: [(accountID: AccountID, msisdn: MSISDN, plan: String, activatedOn: CalendarDay)]
    }

    package let seed: UInt64
    /// The month in progress: usage up to `today`, not billed.
    package let today: CalendarDay
    /// How many closed months precede the current one.
    package let closedMonths: Int

    package init(seed: UInt64, today: CalendarDay, closedMonths: Int = 6) {
        self.seed = seed
        self.today = today
        self.closedMonths = closedMonths
    }

    /// The closed periods, oldest first.
    package var closedPeriods: [BillingPeriod] {
        var periods: [BillingPeriod] = []
        var period = today.period
        for _ in 0..<closedMonths {
            period = period.previous
            periods.insert(period, at: 0)
        }
        return periods
    }

    /// How every demo client's reference begins, and so how a database holding the demo data set is recognised.
    package static let referencePrefix = "DEMO-"

    /// References of the clients that get a Client ID.
    package static let corporateReferences = ["DEMO-BIZ-001", "DEMO-CORP-001", "DEMO-GOV-001", "DEMO-FAM-001"]

    static let plans = """
        [
          {"code": "POST499", "name": "Post Pay 499", "monthlyFee": "499.00",
           "allowance": {"voiceMinutes": 100, "sms": 500, "dataMB": 5000},
           "rates": {"voiceOnNetPerMinute": "1.50", "voiceOffNetPerMinute": "2.00", "smsNational": "1.00", "smsInternational": "4.00",
                     "dataPerMB": "0.50", "roamingVoicePerMinute": "35.00", "roamingSms": "10.00", "roamingDataPerMB": "150.00",
                     "internationalPerMinute": {"default": "12.00", "+33": "8.00", "+91": "5.00", "+44": "9.00", "+1": "7.00"}},
           "onNetPrefixes": ["+2305"]},
          {"code": "POST799", "name": "Post Pay 799", "monthlyFee": "799.00",
           "allowance": {"voiceMinutes": 300, "sms": 1000, "dataMB": 15000},
           "rates": {"voiceOnNetPerMinute": "1.25", "voiceOffNetPerMinute": "1.75", "smsNational": "0.90", "smsInternational": "3.50",
                     "dataPerMB": "0.40", "roamingVoicePerMinute": "30.00", "roamingSms": "9.00", "roamingDataPerMB": "120.00",
                     "internationalPerMinute": {"default": "10.00", "+33": "7.00", "+91": "4.50", "+44": "8.00", "+1": "6.00"}},
           "onNetPrefixes": ["+2305"]},
          {"code": "BIZ1500", "name": "Business Pro 1500", "monthlyFee": "1500.00",
           "allowance": {"voiceMinutes": 1000, "sms": 2000, "dataMB": 30000},
           "rates": {"voiceOnNetPerMinute": "1.00", "voiceOffNetPerMinute": "1.50", "smsNational": "0.75", "smsInternational": "3.00",
                     "dataPerMB": "0.30", "roamingVoicePerMinute": "25.00", "roamingSms": "8.00", "roamingDataPerMB": "100.00",
                     "internationalPerMinute": {"default": "9.00", "+33": "6.00", "+91": "4.00", "+44": "7.00", "+1": "5.00", "+27": "6.50"}},
           "onNetPrefixes": ["+2305"]}
        ]
        """

    private static let firstNames = ["Aarav", "Priya", "Jean", "Marie", "Kevin", "Anjali", "Yannick", "Nadia", "Rohit", "Sophie",
                                     "Vikash", "Chloé", "Ravi", "Émilie", "Ashwin", "Laura", "Deepak", "Océane", "Nitin", "Aurélie"]
    private static let lastNames = ["Ramgoolam", "Jugnauth", "Dupont", "Lagesse", "Beeharry", "Li Kwong Ken", "Ramdin", "Bérenger",
                                    "Seegoolam", "Tyack", "Mooneesamy", "Château", "Appadoo", "Leung", "Bhujun", "Perrine"]

    /// Builds the clients and lines (deterministic for a seed).
    func clients() -> [DemoClient] {
        var random = SeededRandom(seed: seed)
        var usedNumbers = Set<String>()
        var usedAccounts = Set<String>()
        func msisdn() -> MSISDN {
            while true {
                let number = try! MSISDN("5\(Int.random(in: 1_000_000..<9_999_999, using: &random))")
                if usedNumbers.insert(number.e164).inserted { return number }
            }
        }
        func accountID() -> AccountID {
            while true {
                let id = AccountID.random(using: &random)
                if usedAccounts.insert(id.rawValue).inserted { return id }
            }
        }
        let firstPeriod = closedPeriods.first ?? today.period
        func activation(longStanding: Bool) -> CalendarDay {
            if longStanding { return firstPeriod.firstDay.adding(days: -Int.random(in: 30...900, using: &random)) }
            return firstPeriod.firstDay.adding(days: Int.random(in: 0...150, using: &random))
        }
        var clients: [DemoClient] = []
        for index in 1...200 {
            let first = Self.firstNames.randomElement(using: &random)!
            let last = Self.lastNames.randomElement(using: &random)!
            let number = msisdn()
            let plan = Int.random(in: 0..<3, using: &random) == 0 ? "POST799" : "POST499"
            clients.append(DemoClient(
                reference: String(format: "DEMO-IND-%03d", index), name: "\(first) \(last)", kind: .individual,
                email: "\(first.lowercased().folding(options: .diacriticInsensitive, locale: nil)).\(index)@example.mu", contact: number,
                lines: [(accountID(), number, plan, activation(longStanding: index % 10 != 0))]))
        }
        let family = msisdn()
        clients.append(DemoClient(
            reference: "DEMO-FAM-001", name: "Famille Ramdin", kind: .individual, email: "famille.ramdin@example.mu", contact: family,
            lines: [(accountID(), family, "POST799", activation(longStanding: true)),
                    (accountID(), msisdn(), "POST499", activation(longStanding: true)),
                    (accountID(), msisdn(), "POST499", activation(longStanding: true))]))
        let corporate: [(String, String, ClientKind, String, Int)] = [
            ("DEMO-BIZ-001", "Boulangerie du Port Ltée", .company, "comptabilite@boulangerieduport.example.mu", 8),
            ("DEMO-CORP-001", "Indian Ocean Logistics Ltd", .company, "accounts@iol.example.mu", 150),
            ("DEMO-GOV-001", "Ministry of Public Infrastructure", .government, "finance@mpi.example.mu", 1000),
        ]
        for (reference, name, kind, email, count) in corporate {
            let contact = msisdn()
            var lines: [(AccountID, MSISDN, String, CalendarDay)] = [(accountID(), contact, "BIZ1500", activation(longStanding: true))]
            for _ in 1..<count {
                lines.append((accountID(), msisdn(), Int.random(in: 0..<4, using: &random) == 0 ? "BIZ1500" : "POST499",
                              activation(longStanding: Int.random(in: 0..<8, using: &random) != 0)))
            }
            clients.append(DemoClient(reference: reference, name: name, kind: kind, email: email, contact: contact, lines: lines))
        }
        return clients
    }

    /// Writes the plans, customers and usage files into `folder`; returns the usage file of each period, oldest first.
    package func write(to folder: URL) throws -> (plans: URL, customers: URL, usage: [(BillingPeriod, URL)]) {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let plansURL = folder.appendingPathComponent("plans.json")
        try Data(Self.plans.utf8).write(to: plansURL)
        let clients = clients()
        var customers = CustomerRow.header.joined(separator: ",") + "\n"
        for client in clients {
            for line in client.lines {
                customers += [client.reference, client.name, client.kind.rawValue, client.email, client.contact.e164,
                              line.accountID.rawValue, line.msisdn.e164, line.plan, line.activatedOn.description]
                    .map(CSVParser.escape).joined(separator: ",") + "\n"
            }
        }
        let customersURL = folder.appendingPathComponent("customers.csv")
        try Data(customers.utf8).write(to: customersURL)

        let lines = clients.flatMap { client in client.lines.map { (client.kind, $0.msisdn, $0.activatedOn) } }
        let allNumbers = lines.map(\.1)
        var usage: [(BillingPeriod, URL)] = []
        for period in closedPeriods + [today.period] {
            let url = folder.appendingPathComponent("usage-\(period).csv")
            try writeUsage(period: period, lines: lines, numbers: allNumbers, to: url)
            usage.append((period, url))
        }
        return (plansURL, customersURL, usage)
    }

    private func writeUsage(period: BillingPeriod, lines: [(ClientKind, MSISDN, CalendarDay)], numbers: [MSISDN], to url: URL) throws {
        var random = SeededRandom(seed: seed &+ UInt64(period.year * 100 + period.month) &* 7919)
        let lastDay = period == today.period ? today : period.lastDay
        let days = lastDay.daysSinceEpoch - period.firstDay.daysSinceEpoch + 1
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        var text = UsageRow.header.joined(separator: ",") + "\n"
        let foreign = ["+33142685300", "+919820012345", "+442079460000", "+12125550100", "+27215550123", "+6598765432"]
        let landlines = ["+2302086000", "+2304041234", "+2306015000"]
        let roamingCountries = ["FR", "IN", "ZA", "AE", "GB"]
        for (index, (kind, msisdn, activatedOn)) in lines.enumerated() where activatedOn <= lastDay {
            let heavy = kind == .individual ? Int.random(in: 20...70, using: &random) : Int.random(in: 8...30, using: &random)
            let count = heavy * days / 30
            let firstDay = max(activatedOn, period.firstDay)
            let activeDays = lastDay.daysSinceEpoch - firstDay.daysSinceEpoch + 1
            // One line in 25 takes a trip abroad of 3 to 7 days in the month: what it uses those days is roaming.
            let roams = Int.random(in: 0..<25, using: &random) == 0
            let tripLength = Int.random(in: 3...7, using: &random)
            let tripStart = Int.random(in: 0..<max(1, activeDays - tripLength), using: &random)
            let abroadDays = roams ? tripStart..<(tripStart + tripLength) : 0..<0
            for n in 0..<count {
                let offset = Int.random(in: 0..<activeDays, using: &random)
                let day = firstDay.adding(days: offset)
                let second = Int.random(in: 7 * 3600..<23 * 3600, using: &random)
                let started = Timestamp.format(day.start.addingTimeInterval(TimeInterval(second)))
                let abroad = abroadDays.contains(offset)
                let roaming = abroad ? roamingCountries[index % roamingCountries.count] : ""
                let id = "DEMO\(seed)-\(period.year)\(period.month)-\(index)-\(n)"
                let roll = Int.random(in: 0..<100, using: &random)
                func destination() -> String {
                    switch Int.random(in: 0..<100, using: &random) {
                    case 0..<70: numbers.randomElement(using: &random)!.e164
                    case 70..<92: landlines.randomElement(using: &random)!
                    default: foreign.randomElement(using: &random)!
                    }
                }
                let row: [String]
                if roll < 55 {
                    // Abroad, calls are kept short.
                    let seconds = Int.random(in: 5...(abroad ? 300 : roll < 5 ? 3600 : 600), using: &random)
                    row = [id, msisdn.e164, "voice", started, String(seconds), "", destination(), roaming]
                } else if roll < 80 {
                    row = [id, msisdn.e164, "sms", started, "", "", destination(), roaming]
                } else {
                    // At home a session is up to 400 MB (rarely 2 GB); abroad, where each megabyte costs, up to 8 MB.
                    let most: Int64 = abroad ? 8_000_000 : roll > 97 ? 2_000_000_000 : 400_000_000
                    let bytes = Int64.random(in: 50_000...most, using: &random)
                    row = [id, msisdn.e164, "data", started, "", String(bytes), "", roaming]
                }
                text += row.joined(separator: ",") + "\n"
                if text.utf8.count > 1 << 20 {
                    handle.write(Data(text.utf8))
                    text = ""
                }
            }
        }
        handle.write(Data(text.utf8))
    }
}
