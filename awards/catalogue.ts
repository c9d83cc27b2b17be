// The server's own awards: Russian names and badges drawn for this project
// (web/public/awards/<badge>.svg, no outside references). A school adds kinds
// of its own with one of these badges.
export const BADGES = ['star', 'book', 'idea', 'helper', 'sport', 'creative'] as const;

export const CATALOGUE: { id: string; name: string; badge: (typeof BADGES)[number] }[] = [
  { id: 'star', name: 'Звезда урока', badge: 'star' },
  { id: 'book', name: 'Книгочей', badge: 'book' },
  { id: 'idea', name: 'Светлая голова', badge: 'idea' },
  { id: 'helper', name: 'Лучший помощник', badge: 'helper' },
  { id: 'sport', name: 'Спортсмен', badge: 'sport' },
  { id: 'creative', name: 'Творческий подход', badge: 'creative' },
];
