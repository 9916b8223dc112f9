-- Which meters add up to an account's load. A sub-meter downstream of another meter of the same
-- account (an arc-furnace feeder behind the incomer, a UPS output, an LV board behind the main
-- meter) is read and alarmed on like any meter, but adding it to the account's total would count
-- the same energy twice.
ALTER TABLE meters ADD COLUMN in_account_total boolean NOT NULL DEFAULT true;
