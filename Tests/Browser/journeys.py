"""Browser journeys in headless Chromium against a running development portal.

Usage: python3 Tests/Browser/journeys.py URL ACCOUNT_ID_FR ACCOUNT_ID_EN CLIENT_ID
Each journey registers a demo Account ID (reading the activation code from /dev/messages), sets a password,
logs in, sees the dashboard, pays a bill on the sandbox gateway's card page (French journey), and logs out. The phone
journeys register the company's Client ID and open every logged-in page at 390 px, in French and in English: none may
scroll sideways, every link and button keeps a contrast of 3:1 at least, and axe finds no serious violation.
Prints 'N passed, N failed'.
"""
import json
import re
import sys
import time
import traceback
import urllib.request

from axe_selenium_python import Axe
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

url, account_fr, account_en, client_id = sys.argv[1:5]
PASSWORD = "a long journey passphrase"


def browser(width=1280, height=900, language="fr-FR", phone=False):
    """Headless Chromium; a phone is emulated (its viewport and pixel ratio), since a desktop window cannot be that narrow."""
    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", f"--window-size={width},{height}", f"--lang={language}"):
        options.add_argument(argument)
    if phone:
        options.add_experimental_option("mobileEmulation", {"deviceMetrics": {"width": width, "height": height, "pixelRatio": 3}})
    options.add_experimental_option("prefs", {"intl.accept_languages": language})
    options.binary_location = "/usr/bin/chromium"
    return webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))


def code_for(number_suffix, after):
    for _ in range(100):
        for message in json.load(urllib.request.urlopen(f"{url}/dev/messages")):
            match = re.search(r"\b(\d{6})\b", message["body"])
            if match and message["channel"] == "sms" and message["createdAt"] >= after and "activation" in message["body"]:
                return match.group(1)
        time.sleep(0.1)
    raise AssertionError("no activation code arrived at /dev/messages")


def submit(driver):
    driver.find_element(By.CSS_SELECTOR, "form.form button[type=submit]").click()


def wait_for(driver, fragment):
    WebDriverWait(driver, 10).until(lambda d: fragment in d.current_url)


def journey(language, account_id, expected):
    driver = browser(language="fr-FR" if language == "fr" else "en-GB")
    try:
        register(driver, account_id, language, name="Journey Test", email="journey@example.mu")
        assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == language
        assert expected["registered"] in driver.page_source, "registration confirmation shown"
        driver.find_element(By.ID, "identifier").send_keys(account_id)
        driver.find_element(By.ID, "password").send_keys(PASSWORD)
        submit(driver)
        wait_for(driver, "/account")
        assert expected["dashboard"] in driver.page_source, "dashboard shown"
        if language == "fr":
            pay_first_bill(driver, account_id)
        driver.find_element(By.CSS_SELECTOR, "form.inline-form button").click()
        wait_for(driver, "loggedOut")
        assert expected["loggedOut"] in driver.page_source, "logout confirmed"
        driver.get(f"{url}/account")
        wait_for(driver, "/login")
    finally:
        driver.quit()


def pay_first_bill(driver, account_id):
    """Pays the first bill with the test card 4242 on the sandbox gateway's hosted page and checks the receipt."""
    driver.get(f"{url}/accounts/{account_id}/bills")
    driver.find_element(By.CSS_SELECTOR, "a[href^='/bills/B']").click()
    WebDriverWait(driver, 10).until(lambda d: "pay-form" in d.page_source)
    bill_page = driver.current_url
    # Cancelled on the card page first: back on the portal the payment has ended, and the bill can be paid at once.
    driver.find_element(By.CSS_SELECTOR, "form.pay-form button[type=submit]").click()
    WebDriverWait(driver, 10).until(lambda d: "/pay/" in d.current_url)
    driver.find_element(By.CSS_SELECTOR, "form[action$='/cancel'] button").click()
    WebDriverWait(driver, 15).until(lambda d: "/payments/pay_" in d.current_url and "annulé" in d.page_source.lower())
    driver.get(bill_page)
    WebDriverWait(driver, 10).until(lambda d: "pay-form" in d.page_source)
    driver.find_element(By.CSS_SELECTOR, "form.pay-form button[type=submit]").click()
    WebDriverWait(driver, 10).until(lambda d: "/pay/" in d.current_url)
    driver.find_element(By.ID, "cardholder_name").send_keys("Journey Test")
    driver.find_element(By.ID, "card_number").send_keys("4242 4242 4242 4242")
    driver.find_element(By.ID, "exp_month").send_keys("12")
    driver.find_element(By.ID, "exp_year").send_keys("2035")
    driver.find_element(By.ID, "cvc").send_keys("123")
    driver.find_element(By.CSS_SELECTOR, "form[action^='/pay/'] button[type=submit]").click()
    WebDriverWait(driver, 15).until(lambda d: "/payments/pay_" in d.current_url)
    assert "Reçu" in driver.page_source and "4242" in driver.page_source, "receipt shown with the card's last four digits"
    driver.get(f"{url}/account")


def register(driver, identifier, language, name="Phone Journey", email="phone@example.mu"):
    """Registers `identifier` in `language` with the code /dev/messages shows, and sets the journey's password."""
    started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 2))
    driver.get(f"{url}/register?lang={language}")
    driver.find_element(By.ID, "identifier").send_keys(identifier)
    driver.find_element(By.ID, "fullName").send_keys(name)
    driver.find_element(By.ID, "email").send_keys(email)
    driver.find_element(By.ID, "acceptTerms").click()
    submit(driver)
    wait_for(driver, "/activate")
    driver.find_element(By.ID, "code").send_keys(code_for(identifier, started))
    submit(driver)
    wait_for(driver, "/password")
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.ID, "passwordConfirmation").send_keys(PASSWORD)
    submit(driver)
    wait_for(driver, "/login")


def log_in(driver, identifier, language):
    driver.get(f"{url}/login?lang={language}")
    driver.find_element(By.ID, "identifier").send_keys(identifier)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    submit(driver)
    wait_for(driver, "/account")


# The contrast of each visible link, button and field against the first opaque background behind it (WCAG 2.1
# relative luminance): every one at 3:1 at least.
CONTRAST = """
const rgb = (text) => (text.match(/[\\d.]+/g) || []).map(Number);
const luminance = ([r, g, b]) => [r, g, b].map((c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; })
  .reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i], 0);
const background = (element) => {
  for (let node = element; node; node = node.parentElement) {
    const color = rgb(getComputedStyle(node).backgroundColor);
    if (color.length === 3 || (color.length === 4 && color[3] > 0.9)) return color.slice(0, 3);
  }
  return [255, 255, 255];
};
const low = [];
for (const element of document.querySelectorAll("a, button, input, select, .button")) {
  if (!element.getClientRects().length || getComputedStyle(element).visibility === "hidden") continue;
  if (element.type === "hidden" || element.closest(".visually-hidden, .skip-link")) continue;
  const [a, b] = [luminance(rgb(getComputedStyle(element).color).slice(0, 3)), luminance(background(element))];
  const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  if (ratio < 3) low.push(`${element.tagName.toLowerCase()} "${(element.innerText || element.value || "").trim().slice(0, 30)}" ${ratio.toFixed(2)}:1`);
}
return low;
"""


def page_problems(driver, path):
    """What is wrong with `path` at the browser's width: sideways scrolling, low contrast, serious axe findings."""
    driver.get(f"{url}{path}")
    problems = []
    width, inner = driver.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
    assert inner == 390, f"the phone's viewport is {inner} px wide, not 390"
    if width > inner:
        wide = driver.execute_script(
            "return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)"
            ".slice(0, 3).map(e => e.tagName.toLowerCase() + '.' + e.className)")
        problems.append(f"{path}: {width} px wide at {inner} px ({', '.join(wide)})")
    problems += [f"{path}: contrast {item}" for item in driver.execute_script(CONTRAST)]
    axe = Axe(driver)
    axe.inject()
    results = axe.run()
    assert results["passes"], f"axe checked nothing on {path}"
    for violation in results["violations"]:
        if violation["impact"] in ("serious", "critical"):
            targets = ", ".join(str(node["target"]) for node in violation["nodes"][:3])
            problems.append(f"{path}: axe {violation['id']} ({violation['impact']}) at {targets}")
    return problems


def first_link(driver, prefix):
    links = driver.find_elements(By.CSS_SELECTOR, f"a[href^='{prefix}']")
    assert links, f"a link to {prefix}… on {driver.current_url}"
    return links[0].get_attribute("href").replace(url, "")


def phone_pages(language):
    """Every logged-in page of a company's login at 390 px: none scrolls sideways, none has a low-contrast control."""
    driver = browser(width=390, height=844, language="fr-FR" if language == "fr" else "en-GB", phone=True)
    try:
        if language == "en":
            register(driver, client_id, language)
        log_in(driver, client_id, language)
        driver.get(f"{url}/api-access")
        driver.find_element(By.ID, "name").send_keys("Phone journey")
        driver.find_element(By.CSS_SELECTOR, "form.form button[type=submit]").click()
        WebDriverWait(driver, 10).until(lambda d: "sct_" in d.page_source)
        pages = ["/account", "/group-bills", "/payments", "/notifications", "/api-access"]
        driver.get(f"{url}/group-bills")
        group = first_link(driver, "/group-bills/G")
        driver.get(f"{url}{group}")
        rows = driver.find_elements(By.CSS_SELECTOR, "#members tbody tr")
        assert 0 < len(rows) <= 50, f"the group bill page shows {len(rows)} member rows"
        assert "1006" in driver.find_element(By.CSS_SELECTOR, "#members .pager").text, "the pager counts every member bill"
        bill = first_link(driver, "/bills/B")
        account = first_link(driver, "/accounts/")
        pages += [group, f"{group}?sort=amount&page=2", bill, account, f"{account}/usage", f"{account}/bills", f"{account}/alerts"]
        problems = [problem for path in pages for problem in page_problems(driver, path)]
        assert not problems, "\n".join(problems)
    finally:
        driver.quit()


def mistyped_identifier():
    driver = browser()
    try:
        driver.get(f"{url}/register?lang=en")
        driver.find_element(By.ID, "identifier").send_keys("1234567890")
        driver.find_element(By.ID, "fullName").send_keys("Typo")
        driver.find_element(By.ID, "email").send_keys("typo@example.mu")
        driver.find_element(By.ID, "acceptTerms").click()
        submit(driver)
        WebDriverWait(driver, 10).until(lambda d: "identifier-error" in d.page_source)
        assert "typo" in driver.find_element(By.ID, "identifier-error").text
    finally:
        driver.quit()


tests = [
    ("French journey", lambda: journey("fr", account_fr, {
        "registered": "Votre enregistrement est confirmé", "dashboard": "Montant à payer", "loggedOut": "Vous êtes déconnecté"})),
    ("English journey", lambda: journey("en", account_en, {
        "registered": "Your registration is confirmed", "dashboard": "Amount due", "loggedOut": "You are logged out"})),
    ("Mistyped Account ID", mistyped_identifier),
    ("Phone widths, English", lambda: phone_pages("en")),
    ("Phone widths, French", lambda: phone_pages("fr")),
]
passed = failed = 0
for name, test in tests:
    try:
        test()
        passed += 1
        print(f"ok   {name}")
    except Exception:
        failed += 1
        print(f"FAIL {name}")
        traceback.print_exc()
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
