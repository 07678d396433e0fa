"""Takes the README's screenshots of a running development portal with headless Chromium.

Usage: python3 scripts/screenshots.py URL ACCOUNT_ID CLIENT_ID OUTPUT_FOLDER
Logs in with the demo logins the start banner names (their password is the demo's), registering an identifier
first (reading the activation code from /dev/messages) when it has no login yet.
"""
import json
import re
import sys
import time
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

url, account_id, client_id, out = sys.argv[1:5]
account_id = account_id.replace(" ", "")
PASSWORD = "Lagoon-Demo-2026"


def latest_code(after):
    for _ in range(50):
        messages = json.load(urllib.request.urlopen(f"{url}/dev/messages"))
        for message in messages:
            match = re.search(r"\b(\d{6})\b", message["body"])
            if match and ("activation" in message["body"]) and message["createdAt"] >= after:
                return match.group(1)
        time.sleep(0.2)
    raise SystemExit("no activation code arrived")


def browser(width, height):
    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", f"--window-size={width},{height}"):
        options.add_argument(argument)
    options.binary_location = "/usr/bin/chromium"
    return webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))


def register(driver, identifier, name):
    started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 2))
    driver.get(f"{url}/register")
    driver.find_element(By.ID, "identifier").send_keys(identifier)
    driver.find_element(By.ID, "fullName").send_keys(name)
    driver.find_element(By.ID, "email").send_keys("demo@example.mu")
    driver.find_element(By.ID, "acceptTerms").click()
    driver.find_element(By.CSS_SELECTOR, "form.form button[type=submit]").click()
    WebDriverWait(driver, 10).until(lambda d: "/activate" in d.current_url)
    driver.find_element(By.ID, "code").send_keys(latest_code(started))
    driver.find_element(By.CSS_SELECTOR, "form.form button[type=submit]").click()
    WebDriverWait(driver, 10).until(lambda d: "/password" in d.current_url)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.ID, "passwordConfirmation").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "form.form button[type=submit]").click()
    WebDriverWait(driver, 10).until(lambda d: "/login" in d.current_url)


def login(driver, identifier):
    driver.delete_all_cookies()
    driver.get(f"{url}/login")
    driver.find_element(By.ID, "identifier").send_keys(identifier)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "form.form button[type=submit]").click()
    WebDriverWait(driver, 10).until(lambda d: "/login" not in d.current_url or "error-summary" in d.page_source)


def sign_in(driver, identifier, name):
    """Logs in, registering the identifier first when it has no login yet."""
    login(driver, identifier)
    if not driver.current_url.endswith("/account"):
        driver.delete_all_cookies()
        register(driver, identifier, name)
        login(driver, identifier)


def shoot(driver, path, name):
    driver.get(f"{url}{path}")
    height = driver.execute_script("return document.body.scrollHeight")
    driver.set_window_size(driver.get_window_size()["width"], min(max(height, 600), 2400))
    driver.save_screenshot(f"{out}/{name}.png")


desktop = browser(1280, 900)
shoot(desktop, "/?lang=fr", "home-fr")
shoot(desktop, "/?lang=en", "home-en")
sign_in(desktop, account_id, "Chloé Château")
desktop.get(f"{url}/?lang=fr")
shoot(desktop, "/account", "dashboard")
shoot(desktop, f"/accounts/{account_id}/usage", "usage")
desktop.get(f"{url}/accounts/{account_id}/bills")
first = desktop.find_element(By.CSS_SELECTOR, "a[href^='/bills/']").get_attribute("href")
shoot(desktop, first.replace(url, ""), "bill")
shoot(desktop, "/notifications?lang=en", "notifications")
shoot(desktop, f"/accounts/{account_id}/alerts?lang=en", "alerts")
shoot(desktop, "/api-access?lang=en", "api-access")
shoot(desktop, "/api/docs?lang=en", "api-docs")
sign_in(desktop, client_id, "Ministry finance office")
shoot(desktop, "/account", "client-dashboard")
desktop.quit()

phone = browser(360, 780)
shoot(phone, "/register?lang=en", "register-phone")
login(phone, account_id)
shoot(phone, "/account", "dashboard-phone")
phone.quit()
