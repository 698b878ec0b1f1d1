// The one owner of the tray: icon and tooltip follow the status, the menu is rebuilt from
// state by buildTrayMenu.
import { Menu, nativeImage, nativeTheme, Tray, type MenuItemConstructorOptions } from 'electron';
import type { AppState } from '../../shared/api.js';
import { trayIconPng } from './tray-icon.js';
import { buildTrayMenu, trayTooltip, type TrayAction, type TrayMenuItem } from './tray-menu.js';

export class TrayController {
  private readonly tray: Tray;
  private lastIconKey = '';

  constructor(
    private readonly onAction: (action: TrayAction) => void,
    private readonly startAtLogin: () => boolean,
  ) {
    this.tray = new Tray(nativeImage.createFromBuffer(trayIconPng('idle', this.theme())));
    nativeTheme.on('updated', () => {
      this.lastIconKey = '';
    });
  }

  private theme(): 'light' | 'dark' {
    return nativeTheme.shouldUseDarkColors ? 'dark' : 'light';
  }

  private toElectron(items: TrayMenuItem[]): MenuItemConstructorOptions[] {
    return items.map((item) => {
      const out: MenuItemConstructorOptions = {};
      if (item.label !== undefined) out.label = item.label;
      if (item.type !== undefined) out.type = item.type;
      if (item.checked !== undefined) out.checked = item.checked;
      if (item.enabled !== undefined) out.enabled = item.enabled;
      if (item.submenu) out.submenu = this.toElectron(item.submenu);
      const action = item.action;
      if (action) out.click = () => this.onAction(action);
      return out;
    });
  }

  update(state: AppState): void {
    const iconKey = `${state.status}/${this.theme()}`;
    if (iconKey !== this.lastIconKey) {
      this.tray.setImage(nativeImage.createFromBuffer(trayIconPng(state.status, this.theme())));
      this.lastIconKey = iconKey;
    }
    this.tray.setToolTip(trayTooltip(state));
    this.tray.setContextMenu(Menu.buildFromTemplate(this.toElectron(buildTrayMenu(state, this.startAtLogin()))));
  }

  destroy(): void {
    this.tray.destroy();
  }
}
