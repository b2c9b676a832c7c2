#!/bin/sh
# Remove what install.sh put in place for the current user; safe to run again.
#
#   packaging/linux/uninstall.sh
#
# The app's own data (saved stores, caches, logs) is kept: it lives elsewhere
# (~/.config/woo-customers, ~/.local/share/woo-customers, ~/.cache/woo-customers).
set -eu

APP_ID=io.github.woocustomers.WooCustomers
data_home=${XDG_DATA_HOME:-$HOME/.local/share}
config_home=${XDG_CONFIG_HOME:-$HOME/.config}
target=$data_home/$APP_ID
launcher=$HOME/.local/bin/woo-customers
icons=$data_home/icons/hicolor

# The launcher only if it is our link.
if [ -L "$launcher" ] && [ "$(readlink "$launcher")" = "$target/woo-customers" ]; then
    rm -f "$launcher"
fi
rm -rf "$target" "$target.new"
rm -f "$data_home/applications/$APP_ID.desktop" "$data_home/metainfo/$APP_ID.metainfo.xml"
for icon in "$icons"/*/apps/"$APP_ID".png "$icons"/*/apps/"$APP_ID".svg; do
    [ -f "$icon" ] && rm -f "$icon"
done

# The CSV default xdg-mime recorded for us, if it is still ours.
mimeapps=$config_home/mimeapps.list
if [ -f "$mimeapps" ] && grep -q "=$APP_ID.desktop" "$mimeapps"; then
    sed -i.bak -e "/^[^=]*=$APP_ID\.desktop;\{0,1\}$/d" -e "s/$APP_ID\.desktop;//g" "$mimeapps"
    rm -f "$mimeapps.bak"
fi

if command -v update-desktop-database >/dev/null 2>&1; then
    update-desktop-database -q "$data_home/applications" 2>/dev/null || true
fi
if command -v gtk-update-icon-cache >/dev/null 2>&1 && [ -d "$icons" ]; then
    gtk-update-icon-cache -q -t -f "$icons" || true
fi
echo "Removed Woo Customers from $target (your stores, caches and logs are kept)"
