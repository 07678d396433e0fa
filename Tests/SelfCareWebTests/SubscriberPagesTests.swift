import Foundation
import HTTPTypes
import HummingbirdTesting
import SelfCareCore
import SelfCareStore
import Testing
@testable import SelfCareServices
@testable import SelfCareWeb

/// What a logged-in subscriber came for: the dashboard, the open period's usage in detail, bills and group bills.
@Suite("Subscriber pages")
struct SubscriberPagesTests {
    static let aline = Subscribers.aline.rawValue
    static let usagePath = "/accounts/\(Subscribers.aline.rawValue)/usage"
    static let recordsTable = #"<table class="table records">"#

    /// Aline's November as the bill run will rate it.
    static func alineRating(_ portal: PortalTest) async throws -> LineRating {
        UsageRater.rate(Billing.alineNovemberRecords, plan: try await portal.plan(of: Subscribers.aline))
    }

    /// The record rows of a usage page: time, kind, destination, duration or volume, bundle, charge.
    static func recordRows(_ page: TestResponse) -> [[String]] {
        Page.rows(page.text, after: recordsTable)
    }

    // MARK: - Dashboard

    @Test("an Account ID login's dashboard shows the amount due and due date, the meters and the out-of-bundle charges")
    func dashboardInEnglish() async throws {
        try await Billing.withPortal { portal in
            // given
            let browser = try await portal.signedInBrowser(Self.aline, acceptLanguage: "en")
            let bill = try await portal.bill(of: Subscribers.aline, period: Billing.october)
            let rating = try await Self.alineRating(portal)

            // when
            let page = try await browser.get("/account")

            // then
            #expect(page.status == .ok)
            let html = page.text
            #expect(html.contains("Amount due"))
            #expect(html.contains(#"<p class="big">\#(bill.remaining.formatted(.english))</p>"#))
            #expect(html.contains("Due by <strong>22 November 2026</strong>"))
            #expect(html.contains("This month&#39;s usage <span class=\"muted\">(November 2026)</span>"))
            let meters = [
                ("Calls", DisplayFormat.quantity(rating.voiceMinutes.used, unit: .minute, .english),
                 DisplayFormat.quantity(rating.voiceMinutes.allowance, unit: .minute, .english)),
                ("SMS", DisplayFormat.quantity(rating.sms.used, unit: .message, .english),
                 DisplayFormat.quantity(rating.sms.allowance, unit: .message, .english)),
                ("Mobile data", DisplayFormat.quantity(rating.dataBytes.used, unit: .byte, .english),
                 DisplayFormat.quantity(rating.dataBytes.allowance, unit: .byte, .english)),
            ]
            for (label, used, allowance) in meters {
                #expect(html.contains("<strong>\(label)</strong> <span>\(used) / \(allowance)</span>"), "meter \(label)")
            }
            #expect(html.contains("<span>100 min / 100 min</span>"))
            #expect(html.contains("<span>8 SMS / 500 SMS</span>"))
            #expect(html.contains("Out of bundle so far: <strong>\(rating.usageCharges.formatted(.english))</strong>"))
            for line in rating.lines where line.amount.cents > 0 {
                let label = try #require(PortalStrings.english["class.\(line.chargeClass.rawValue)"])
                #expect(html.contains("<li>\(label): \(line.amount.formatted(.english))</li>"), "line \(label)")
            }
            #expect(!html.contains("Overdue bill."))
            #expect(html.contains(#"href="/accounts/\#(Self.aline)/usage""#))
            #expect(html.contains(#"href="/accounts/\#(Self.aline)/bills""#))
        }
    }

    @Test("the dashboard in French")
    func dashboardInFrench() async throws {
        try await Billing.withPortal { portal in
            // given
            let browser = try await portal.signedInBrowser(Self.aline, acceptLanguage: "fr")
            let bill = try await portal.bill(of: Subscribers.aline, period: Billing.october)
            let rating = try await Self.alineRating(portal)

            // when
            let page = try await browser.get("/account")

            // then
            let html = page.text
            #expect(html.contains("Montant à payer"))
            #expect(html.contains(#"<p class="big">\#(bill.remaining.formatted(.french))</p>"#))
            #expect(html.contains("À régler avant le <strong>22 novembre 2026</strong>"))
            #expect(html.contains("Consommation du mois <span class=\"muted\">(novembre 2026)</span>"))
            #expect(html.contains("<strong>Appels</strong> <span>100 min / 100 min</span>"))
            #expect(html.contains("<strong>Internet mobile</strong> <span>5,0 GB / 5,0 GB</span>"))
            #expect(html.contains("Hors forfait à ce jour : <strong>\(rating.usageCharges.formatted(.french))</strong>"))
            #expect(html.contains("<li>Internet en roaming\u{00A0}: \(Money(cents: 180_000).formatted(.french))</li>"))
            #expect(!html.contains("Amount due"))
        }
    }

    @Test("the chart of the last bills is a server-drawn SVG with a text alternative, in both languages")
    func chart() async throws {
        try await Billing.withPortal { portal in
            // given
            let english = try await portal.signedInBrowser(Self.aline, acceptLanguage: "en")
            let french = try await portal.signedInBrowser(Self.aline, acceptLanguage: "fr")
            let bill = try await portal.bill(of: Subscribers.aline, period: Billing.october)

            // when
            let englishPage = try await english.get("/account").text
            let frenchPage = try await french.get("/account").text

            // then
            #expect(englishPage.contains(#"<svg class="chart" viewBox="#))
            #expect(englishPage.contains(#"role="img" aria-labelledby="chart-title chart-desc""#))
            #expect(englishPage.contains(#"<desc id="chart-desc">October 2026: \#(bill.total.formatted(.english))</desc>"#))
            #expect(englishPage.contains(#"<rect class="bar""#))
            #expect(englishPage.contains("<caption>My last 6 bills</caption>"))
            #expect(frenchPage.contains(#"<desc id="chart-desc">octobre 2026: \#(bill.total.formatted(.french))</desc>"#))
            #expect(!englishPage.contains("<script"))
        }
    }

    @Test("the overdue warning follows the portal's clock: not before the due date, shown the day after")
    func overdue() async throws {
        try await Billing.withPortal { portal in
            // given October's bill due on 22 November, and today the 20th
            let before = try await portal.signedInBrowser(Self.aline, acceptLanguage: "en").get("/account")

            // when the 23rd comes
            portal.clock.advance(by: Billing.mauritius(2026, 11, 23, 9).timeIntervalSince(portal.clock.now()))
            let after = try await portal.signedInBrowser(Self.aline, acceptLanguage: "en").get("/account")

            // then
            #expect(!before.text.contains("Overdue bill."))
            #expect(after.text.contains("Overdue bill."))
        }
    }

    @Test("an overdue group bill warns the company's login on its dashboard and on the group bill, in both languages")
    func overdueGroupBill() async throws {
        try await Billing.withPortal { portal in
            // given the company's October group bill due on 22 November, and today the 20th
            let group = try #require(try await portal.groupBills(ofClientOf: Subscribers.companyAccounts[0]).first)
            let before = try await portal.signedInBrowser(Subscribers.companyClientID.grouped, acceptLanguage: "en").get("/account")

            // when the 23rd comes
            portal.clock.advance(by: Billing.mauritius(2026, 11, 23, 9).timeIntervalSince(portal.clock.now()))
            let english = try await portal.signedInBrowser(Subscribers.companyClientID.grouped, acceptLanguage: "en")
            let dashboard = try await english.get("/account")
            let page = try await english.get("/group-bills/\(group.groupBillNo)")
            let french = try await portal.signedInBrowser(Subscribers.companyClientID.grouped, acceptLanguage: "fr").get("/account")

            // then
            let warning = "This group bill was due on 22 November 2026: \(group.remaining.formatted(.english)) is still to pay."
            #expect(!before.text.contains("This group bill was due on"))
            #expect(dashboard.text.contains(warning))
            #expect(dashboard.text.contains(#"<a href="/group-bills/\#(group.groupBillNo)">See and pay it</a>"#))
            #expect(page.text.contains(warning))
            #expect(french.text.contains("Cette facture de groupe était à régler le 22 novembre 2026"))
        }
    }

    // MARK: - Usage in detail

    @Test("each usage row is marked in bundle, partly in bundle or out of bundle, as its allowance covered it")
    func usageRowsColouredByBundle() async throws {
        try await Billing.withPortal { portal in
            // given
            let browser = try await portal.signedInBrowser(Self.aline, acceptLanguage: "en")
            let rating = try await Self.alineRating(portal)

            // when
            let page = try await browser.get(Self.usagePath)

            // then
            let classes = page.text.matches(of: #/<tr class="(in|partly|out)-bundle"><td /#).map { String($0.output.1) }
            let expected = rating.records.reversed().prefix(SubscriberPagesController.recordsPerPage).map { usage in
                switch usage.bundleUse {
                case .inBundle: "in"
                case .partlyInBundle: "partly"
                case .outOfBundle: "out"
                }
            }
            #expect(classes == Array(expected))
            #expect(classes.contains("in") && classes.contains("out"))
            #expect(page.text.contains(#"<span class="bundle-tag out">Charged</span>"#))
        }
    }

    @Test("the usage page lists the open period's records newest first, 50 a page")
    func usageNewestFirst() async throws {
        try await Billing.withPortal { portal in
            // given 64 records of Aline's November
            let browser = try await portal.signedInBrowser(Self.aline, acceptLanguage: "en")
            let rating = try await Self.alineRating(portal)
            let newestFirst = Array(rating.records.reversed())

            // when
            let first = try await browser.get(Self.usagePath)
            let second = try await browser.get(Self.usagePath + "?page=2")

            // then
            #expect(first.status == .ok)
            #expect(first.text.contains("Usage in detail <span class=\"muted\">(November 2026)</span>"))
            let firstRows = Self.recordRows(first)
            let secondRows = Self.recordRows(second)
            #expect(firstRows.count == 50)
            #expect(secondRows.count == 14)
            #expect((firstRows + secondRows).map { $0[0] } == newestFirst.map { DisplayFormat.time($0.record.startedAt, .english) })
            #expect((firstRows + secondRows).map { $0[5] } == newestFirst.map { $0.charge.formatted(.english) })
            #expect(first.text.contains("<span>Page 1 of 2 (64 in all)</span>"))
            #expect(first.text.contains(#"<a href="/accounts/\#(Self.aline)/usage?page=2" rel="next">"#))
            #expect(!first.text.contains(#"rel="prev""#))
            #expect(second.text.contains("<span>Page 2 of 2 (64 in all)</span>"))
            #expect(second.text.contains(#"<a href="/accounts/\#(Self.aline)/usage?page=1" rel="prev">"#))
            #expect(!second.text.contains(#"rel="next""#))
        }
    }

    @Test("each record shows its kind, destination, duration or volume, bundle use and charge; the country only when roaming")
    func usageColumns() async throws {
        try await Billing.withPortal { portal in
            // given
            let browser = try await portal.signedInBrowser(Self.aline, acceptLanguage: "en")

            // when
            let rows = Self.recordRows(try await browser.get(Self.usagePath))

            // then
            let roaming = try #require(rows.first { $0[1].hasPrefix("Roaming calls") })
            #expect(roaming[1] == "Roaming calls (France)")
            #expect(roaming[2] == "+23057100002" && roaming[3] == "0:45" && roaming[4] == "Charged" && roaming[5] == "Rs\u{00A0}35.00")
            let sms = try #require(rows.first { $0[1].hasPrefix("National SMS") })
            #expect(sms[1] == "National SMS")
            #expect(sms[4] == "Included" && sms[5] == "Rs\u{00A0}0.00")
            let data = try #require(rows.first { $0[1].hasPrefix("Roaming data") })
            #expect(data[1] == "Roaming data (South Africa)" && data[3] == "2 MB")
            #expect(rows.allSatisfy { !$0[1].contains("()") })
        }
    }

    @Test("the usage totals are the rater's, to the cent, on the page and in the sum of its rows")
    func usageTotals() async throws {
        try await Billing.withPortal { portal in
            // given
            let browser = try await portal.signedInBrowser(Self.aline, acceptLanguage: "en")
            let rating = try await Self.alineRating(portal)

            // when
            let first = try await browser.get(Self.usagePath)
            let second = try await browser.get(Self.usagePath + "?page=2")

            // then
            #expect(first.text.contains("Out of bundle so far: <strong>\(rating.usageCharges.formatted(.english))</strong>"))
            #expect(first.text.contains("amount of the selection: \(rating.usageCharges.formatted(.english))"))
            let shown = try (Self.recordRows(first) + Self.recordRows(second)).reduce(Money.zero) { $0 + (try Page.money($1[5])) }
            #expect(shown == rating.usageCharges)
            #expect(rating.usageCharges.cents > 0)
        }
    }

    @Test("filter by kind: only that kind's records and their charges; the kind list is translated")
    func filterByKind() async throws {
        try await Billing.withPortal { portal in
            // given
            let browser = try await portal.signedInBrowser(Self.aline, acceptLanguage: "en")
            let rating = try await Self.alineRating(portal)
            let sms = rating.records.filter { $0.record.type == .sms }

            // when
            let page = try await browser.get(Self.usagePath + "?type=sms")

            // then
            let rows = Self.recordRows(page)
            #expect(rows.count == sms.count)
            #expect(rows.allSatisfy { $0[1] == "National SMS" || $0[1] == "International SMS" })
            #expect(page.text.contains("<span>Page 1 of 1 (\(sms.count) in all)</span>"))
            #expect(page.text.contains("amount of the selection: \(sms.reduce(Money.zero) { $0 + $1.charge }.formatted(.english))"))
            #expect(page.text.contains("Out of bundle so far: <strong>\(rating.usageCharges.formatted(.english))</strong>"))
            #expect(page.text.contains(#"<option value="voice">Calls</option>"#))
            #expect(page.text.contains(#"<option value="sms" selected>SMS</option>"#))
            #expect(page.text.contains(#"<option value="data">Mobile data</option>"#))
        }
    }

    @Test("filter by dates, with a kind, and the pages keep the filter")
    func filterByDates() async throws {
        try await Billing.withPortal { portal in
            // given
            let browser = try await portal.signedInBrowser(Self.aline, acceptLanguage: "fr")
            let rating = try await Self.alineRating(portal)
            let from = try CalendarDay("2026-11-05")
            let to = try CalendarDay("2026-11-07")
            let inRange = rating.records.reversed().filter { (from...to).contains(CalendarDay(containing: $0.record.startedAt)) }
            let voice = inRange.filter { $0.record.type == .voice }

            // when
            let dates = try await browser.get(Self.usagePath + "?from=2026-11-05&to=2026-11-07")
            let voiceDates = try await browser.get(Self.usagePath + "?type=voice&from=2026-11-05&to=2026-11-07")

            // then
            #expect(Self.recordRows(dates).map { $0[0] } == inRange.map { DisplayFormat.time($0.record.startedAt, .french) })
            #expect(Self.recordRows(voiceDates).map { $0[0] } == voice.map { DisplayFormat.time($0.record.startedAt, .french) })
            #expect(voiceDates.text.contains("(\(voice.count) au total)"))
            #expect(voiceDates.text.contains(#"<input id="from" name="from" type="date" value="2026-11-05">"#))
            #expect(voiceDates.text.contains("montant de la sélection : \(voice.reduce(Money.zero) { $0 + $1.charge }.formatted(.french))"))
            #expect(!inRange.isEmpty && voice.count < inRange.count)
        }
    }

    @Test("the filter is kept from page to page")
    func filteredPages() async throws {
        try await Billing.withPortal { portal in
            // given more than 50 records from the 2nd on
            let browser = try await portal.signedInBrowser(Self.aline, acceptLanguage: "en")
            let rating = try await Self.alineRating(portal)
            let fromSecond = rating.records.filter { CalendarDay(containing: $0.record.startedAt) >= (try! CalendarDay("2026-11-02")) }

            // when
            let first = try await browser.get(Self.usagePath + "?from=2026-11-02")
            let second = try await browser.get(Self.usagePath + "?page=2&from=2026-11-02")

            // then
            #expect(fromSecond.count > 50)
            #expect(first.text.contains(#"href="/accounts/\#(Self.aline)/usage?page=2&amp;from=2026-11-02" rel="next""#))
            #expect(Self.recordRows(first).count + Self.recordRows(second).count == fromSecond.count)
        }
    }

    @Test("the charges shown before the bill run are exactly the bill's usage charges after it")
    func agreesWithTheBillRun() async throws {
        try await Billing.withPortal { portal in
            // given what the pages and the API show on 20 November
            let browser = try await portal.signedInBrowser(Self.aline, acceptLanguage: "en")
            let usage = try await browser.get(Self.usagePath)
            let shown = try #require(Page.first(usage.text, /Out of bundle so far: <strong>([^<]*)<\/strong>/))
            let token = try await portal.token(Self.aline)
            let summary = try await portal.api(.get, "/api/v1/usageSummary", token: token)
            let apiCharges = try #require((summary.json["charges"] as? [String: Any])?["value"] as? String)

            // when December comes and November is closed
            portal.clock.advance(by: Billing.mauritius(2026, 12, 1, 6).timeIntervalSince(portal.clock.now()))
            try await Billing.runBills(portal, period: Billing.november)

            // then
            let bill = try await portal.bill(of: Subscribers.aline, period: Billing.november)
            #expect(bill.usageCharges.formatted(.english) == shown)
            #expect(bill.usageCharges.decimalString == apiCharges)
            #expect(try await portal.lines(of: bill) == (try await Self.alineRating(portal)).lines)
        }
    }

    // MARK: - Bills

    @Test("the bill list shows number, period, total, what is left, due date and state, with the documents")
    func billList() async throws {
        try await Billing.withPortal { portal in
            // given
            let browser = try await portal.signedInBrowser(Self.aline, acceptLanguage: "en")
            let bill = try await portal.bill(of: Subscribers.aline, period: Billing.october)

            // when
            let page = try await browser.get("/accounts/\(Self.aline)/bills")

            // then
            #expect(page.status == .ok)
            let rows = Page.rows(page.text)
            #expect(rows.count == 1)
            #expect(rows.first.map { Array($0.prefix(7)) } == [
                "October 2026", bill.billNo, bill.total.formatted(.english), bill.remaining.formatted(.english), "22 November 2026", "To pay",
                "PDF · CSV",
            ])
            #expect(page.text.contains(#"href="/bills/\#(bill.billNo)/document?format=pdf""#))
            #expect(page.text.contains(#"href="/bills/\#(bill.billNo)/document?format=csv""#))
        }
    }

    @Test("the bill page shows the fee, the usage lines, VAT and the total, in English and in French",
          arguments: [Language.english, .french])
    func billPage(language: Language) async throws {
        try await Billing.withPortal { portal in
            // given
            let browser = try await portal.signedInBrowser(Self.aline, acceptLanguage: language.rawValue)
            let bill = try await portal.bill(of: Subscribers.aline, period: Billing.october)
            let lines = try await portal.lines(of: bill)
            let strings = language == .english ? PortalStrings.english : PortalStrings.french

            // when
            let page = try await browser.get("/bills/\(bill.billNo)")

            // then
            #expect(page.status == .ok)
            let rows = Page.rows(page.text)
            #expect(rows.first == [strings["bill.monthlyFee"]!, "", "", bill.monthlyFee.formatted(language)])
            #expect(Array(rows.dropFirst()) == lines.map { line in
                [strings["class.\(line.chargeClass.rawValue)"]!, DisplayFormat.quantity(line.quantity, unit: line.chargeClass.unit, language),
                 DisplayFormat.quantity(line.includedQuantity, unit: line.chargeClass.unit, language), line.amount.formatted(language)]
            })
            for (key, amount) in [("bill.excl", bill.amountExcludingVAT), ("bill.vat", bill.vat), ("bills.total", bill.total)] {
                #expect(page.text.contains(#"\#(strings[key]!)</th><td class="num">\#(amount.formatted(language))</td>"#), "\(key)")
            }
            #expect(bill.monthlyFee + lines.reduce(Money.zero) { $0 + $1.amount } == bill.amountExcludingVAT)
            #expect(bill.amountExcludingVAT + bill.vat == bill.total)
            #expect(page.text.contains(Subscribers.aline.grouped))
            #expect(page.text.contains(DisplayFormat.day(bill.dueDate, language)))
        }
    }

    // MARK: - Client ID logins

    @Test("a Client ID login sees its accounts, 20 a page, with each one's amount due and usage, and its group bills")
    func clientAccounts() async throws {
        try await Billing.withPortal { portal in
            // given
            let browser = try await portal.signedInBrowser(Subscribers.companyClientID.rawValue, acceptLanguage: "en")
            let everyAccount = Subscribers.companyAccounts + Billing.extraCompanyAccounts
            let group = try #require(try await portal.groupBills(ofClientOf: Subscribers.companyAccounts[0]).first)

            // when
            let first = try await browser.get("/account")
            let second = try await browser.get("/account?q=&page=2")

            // then
            #expect(first.text.contains("<h1>Riviere Transport Ltd</h1>"))
            let accountRows = { (page: TestResponse) in Page.rows(page.text, after: "<h2>Accounts") }
            #expect(accountRows(first).count == 20)
            #expect(accountRows(second).count == Billing.companyAccountCount - 20)
            #expect(Set((accountRows(first) + accountRows(second)).map { $0[0] }) == Set(everyAccount.map(\.grouped)))
            #expect(first.text.contains("<span>Page 1 of 2 (24 in all)</span>"))
            #expect(!first.text.contains(#"rel="prev""#))
            #expect(second.text.contains(#"rel="prev""#) && !second.text.contains(#"rel="next""#))
            for row in accountRows(first) + accountRows(second) {
                let id = try AccountID(row[0].replacingOccurrences(of: " ", with: ""))
                let bill = try await portal.bill(of: id, period: Billing.october)
                #expect(row[5] == bill.remaining.formatted(.english), "amount due of \(id)")
                #expect(row[3].contains(" min · ") && row[3].contains(" SMS · "), "this month's usage of \(id)")
            }
            #expect(first.text.contains(#"<a href="/group-bills/\#(group.groupBillNo)">October 2026</a>"#))
            #expect(!first.text.contains(Subscribers.aline.grouped))
            #expect(!first.text.contains(Billing.ministryAccounts[0].grouped))
        }
    }

    @Test("a Client ID login searches its accounts by number or Account ID")
    func clientSearch() async throws {
        try await Billing.withPortal { portal in
            // given
            let browser = try await portal.signedInBrowser(Subscribers.companyClientID.rawValue, acceptLanguage: "en")
            let wanted = Billing.extraCompanyAccounts[7]

            // when
            let byNumber = try await browser.get("/account?q=5721%200007")
            let byAccountID = try await browser.get("/account?q=\(wanted.rawValue)")
            let byOtherClientsNumber = try await browser.get("/account?q=57400001")

            // then
            let rows = { (page: TestResponse) in Page.rows(page.text, after: "<h2>Accounts") }
            #expect(rows(byNumber).map { $0[0] } == [wanted.grouped])
            #expect(rows(byNumber).first?[1] == "+230 5721 0007")
            #expect(byNumber.text.contains("<span>Page 1 of 1 (1 in all)</span>"))
            #expect(byNumber.text.contains(#"value="5721 0007""#))
            #expect(rows(byAccountID).map { $0[0] } == [wanted.grouped])
            #expect(rows(byOtherClientsNumber).isEmpty)
            #expect(byOtherClientsNumber.text.contains("(0 in all)"))
        }
    }

    @Test("a Client ID login opens each of its accounts' dashboard, usage and bills")
    func clientOpensItsAccounts() async throws {
        try await Billing.withPortal { portal in
            // given
            let browser = try await portal.signedInBrowser(Subscribers.companyClientID.rawValue, acceptLanguage: "en")
            let account = Subscribers.companyAccounts[1]
            let bill = try await portal.bill(of: account, period: Billing.october)

            // when
            let dashboard = try await browser.get("/accounts/\(account.rawValue)")
            let usage = try await browser.get("/accounts/\(account.rawValue)/usage")
            let bills = try await browser.get("/accounts/\(account.rawValue)/bills")
            let billPage = try await browser.get("/bills/\(bill.billNo)")

            // then
            #expect(dashboard.status == .ok && dashboard.text.contains(account.grouped))
            #expect(usage.status == .ok && Self.recordRows(usage).count == 1)
            #expect(bills.status == .ok && bills.text.contains(bill.billNo))
            #expect(billPage.status == .ok && billPage.text.contains(bill.total.formatted(.english)))
        }
    }

    @Test("the group bill page lists every member bill, and the members' totals add up to the group's")
    func groupBillPage() async throws {
        try await Billing.withPortal { portal in
            // given
            let browser = try await portal.signedInBrowser(Subscribers.companyClientID.rawValue, acceptLanguage: "en")
            let group = try #require(try await portal.groupBills(ofClientOf: Subscribers.companyAccounts[0]).first)
            let members = try await portal.members(of: group)

            // when
            let page = try await browser.get("/group-bills/\(group.groupBillNo)")

            // then
            #expect(page.status == .ok)
            let rows = Page.rows(page.text)
            #expect(rows.count == Billing.companyAccountCount)
            #expect(Set(rows.map { $0[1] }) == Set(members.map(\.billNo)))
            let memberSum = try rows.reduce(Money.zero) { $0 + (try Page.money($1[2])) }
            let shownTotal = try Page.money(try #require(Page.first(page.text, /<dt>Total<\/dt><dd class="num">([^<]*)</)))
            #expect(memberSum == shownTotal)
            #expect(shownTotal == group.total)
            #expect(members.reduce(Money.zero) { $0 + $1.total } == group.total)
            #expect(page.text.contains("\(group.accountCount) accounts"))
            let excl = members.reduce(Money.zero) { $0 + $1.amountExcludingVAT }
            let vat = members.reduce(Money.zero) { $0 + $1.vat }
            #expect(page.text.contains(#"Total excl. VAT</dt><dd class="num">\#(excl.formatted(.english))</dd>"#))
            #expect(page.text.contains(#"VAT 15%</dt><dd class="num">\#(vat.formatted(.english))</dd>"#))
            #expect(page.text.contains("the group&#39;s VAT is the sum of those amounts"))
            #expect(excl + vat == group.total)
        }
    }

    @Test("a group bill's members come a page at a time, found by bill number or Account ID, ordered as asked")
    func groupBillMembersPaged() async throws {
        try await Billing.withPortal { portal in
            // given the company's group bill of 24 lines
            let identity = try #require(
                try await portal.services.authentication.authenticate(token: try await portal.token(Subscribers.companyClientID.grouped), kind: .api))
            let bills = portal.services.services.bills
            let group = try #require(try await portal.groupBills(ofClientOf: Subscribers.companyAccounts[0]).first)
            let members = try await portal.members(of: group)

            // when
            let first = try #require(try await bills.groupBillMembers(
                group.groupBillNo, for: identity, search: "", order: .amount, offset: 0, limit: 10))
            let third = try #require(try await bills.groupBillMembers(
                group.groupBillNo, for: identity, search: "", order: .amount, offset: 20, limit: 10))
            let byAccount = try #require(try await bills.groupBillMembers(
                group.groupBillNo, for: identity, search: "", order: .account, offset: 0, limit: 100))
            let found = try #require(try await bills.groupBillMembers(
                group.groupBillNo, for: identity, search: members[3].billNo.lowercased(), order: .change, offset: 0, limit: 10))

            // then
            #expect(first.members.count == 10 && third.members.count == members.count - 20 && first.matching == members.count)
            let amounts = (first.members + third.members).map(\.bill.total.cents)
            #expect(amounts == amounts.sorted(by: >))
            #expect(byAccount.members.map(\.bill.accountID) == members.map(\.accountID).sorted())
            #expect(found.matching == 1 && found.members.map(\.bill.billNo) == [members[3].billNo])
            #expect(found.amountExcludingVAT + found.vat == group.total)
        }
    }

    @Test("the group bill list shows the client's group bills only")
    func groupBillList() async throws {
        try await Billing.withPortal { portal in
            // given
            let browser = try await portal.signedInBrowser(Subscribers.companyClientID.rawValue, acceptLanguage: "fr")
            let group = try #require(try await portal.groupBills(ofClientOf: Subscribers.companyAccounts[0]).first)
            let ministry = try #require(try await portal.groupBills(ofClientOf: Billing.ministryAccounts[0]).first)

            // when
            let page = try await browser.get("/group-bills")

            // then
            let rows = Page.rows(page.text)
            #expect(rows.map { $0[1] } == [group.groupBillNo])
            #expect(rows.first?[0] == "octobre 2026")
            #expect(rows.first?[2] == "24")
            #expect(rows.first?[3] == group.total.formatted(.french))
            #expect(!page.text.contains(ministry.groupBillNo))
        }
    }
}

/// The portal's own translations, flattened to `a.b.c` keys, for expectations that name a label.
enum PortalStrings {
    static let english = load("en")
    static let french = load("fr")

    private static func load(_ code: String) -> [String: String] {
        let url = Localizer.bundledDirectory!.appendingPathComponent("\(code).json")
        let object = (try? JSONSerialization.jsonObject(with: Data(contentsOf: url))) as? [String: Any] ?? [:]
        var flat: [String: String] = [:]
        func walk(_ value: Any, _ prefix: String) {
            if let dictionary = value as? [String: Any] {
                for (key, child) in dictionary { walk(child, prefix.isEmpty ? key : "\(prefix).\(key)") }
            } else if let text = value as? String {
                flat[prefix] = text
            }
        }
        walk(object, "")
        return flat
    }
}
