"""Woo Customers: a desktop customer manager for WooCommerce stores."""

__version__ = "0.1.0"
APP_NAME = "Woo Customers"
