"""Browser journeys in headless Chromium against a running development portal.

Usage: python3 Tests/Browser/journeys.py URL ACCOUNT_ID_FR ACCOUNT_ID_EN
Each journey registers a demo Account ID (reading the activation code from /dev/messages), sets a password,
logs in, sees the dashboard, pays a bill on the sandbox gateway's card page (French journey), and logs out. Prints 'N passed, N failed'.
"""
import json
import re
import sys
import time
import traceback
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

url, account_fr, account_en = sys.argv[1:4]
PASSWORD = "a long journey passphrase"


def browser(width=1280, height=900, language="fr-FR"):
    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", f"--window-size={width},{height}", f"--lang={language}"):
        options.add_argument(argument)
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
        started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 2))
        driver.get(f"{url}/register?lang={language}")
        assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == language
        driver.find_element(By.ID, "identifier").send_keys(account_id)
        driver.find_element(By.ID, "fullName").send_keys("Journey Test")
        driver.find_element(By.ID, "email").send_keys("journey@example.mu")
        driver.find_element(By.ID, "acceptTerms").click()
        submit(driver)
        wait_for(driver, "/activate")
        driver.find_element(By.ID, "code").send_keys(code_for(account_id, started))
        submit(driver)
        wait_for(driver, "/password")
        driver.find_element(By.ID, "password").send_keys(PASSWORD)
        driver.find_element(By.ID, "passwordConfirmation").send_keys(PASSWORD)
        submit(driver)
        wait_for(driver, "/login")
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
