"""The WooCommerce legacy REST API v3 client: transport, authentication, resources."""
