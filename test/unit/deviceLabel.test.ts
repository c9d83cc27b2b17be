import { describe, expect, it } from 'vitest';
import { deviceLabel } from '../../common/deviceLabel.js';

describe('deviceLabel', () => {
  it('names the browser and the system people recognise', () => {
    const android =
      'Mozilla/5.0 (Linux; Android 13; SM-A135F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36';
    expect(deviceLabel(android)).toBe('Chrome, Android');
    const yandex =
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/118.0 YaBrowser/23.11 Safari/537.36';
    expect(deviceLabel(yandex)).toBe('Яндекс Браузер, Windows');
    const iphone =
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1';
    expect(deviceLabel(iphone)).toBe('Safari, iOS');
    const edge =
      'Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36 Edg/120.0';
    expect(deviceLabel(edge)).toBe('Edge, Windows');
  });

  it('says nothing for an agent it does not know', () => {
    expect(deviceLabel('curl/8.4.0')).toBe('');
  });
});
