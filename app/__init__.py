"""Woo Customers: a desktop customer manager for WooCommerce stores."""

__version__ = "0.1.0"
APP_NAME = "Woo Customers"
#: Reverse-DNS application id: the desktop entry's and AppStream component's name, the icon's
#: name in the icon theme, the macOS bundle identifier and the root of the single-instance key.
APP_ID = "io.github.woocustomers.WooCustomers"
