const lib = require('lib');
lib();
