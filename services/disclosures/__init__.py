"""Clare's Law (the Domestic Violence Disclosure Scheme): requests, their stages and clocks, lists and figures."""
